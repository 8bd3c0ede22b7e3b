import Contracts
import FencingCore
import FencingService
import Synchronization
import Testing

@Suite("validations of one node and family share one ValidateVolumeHostConnectivity")
struct ValidationBatchesTests {
    /// What the fake adapter was asked, call by call.
    final class Asked: Sendable {
        let calls = Mutex<[[String]]>([])
    }

    static func key(_ node: String = "w1", rwx: Bool = false, family: Podguard_V1_ArrayFamily = .powerflex) -> ValidationBatches.Key {
        .init(family: family, node: node, csiNodeID: "id-\(node)", readWriteMany: rwx)
    }

    @Test("a hundred validations arriving together: the first call alone, the rest in one call with all their volumes; every caller answered")
    func storm() async {
        let asked = Asked()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let batches = ValidationBatches { _, handles, _ in
            let first = asked.calls.withLock { calls in
                calls.append(handles)
                return calls.count == 1
            }
            // Hold the first call until every other caller has queued behind it.
            if first { for await _ in gate { break } }
            return .answered(.disconnected, ioInProgress: false, extensionPresent: true)
        }
        await withTaskGroup(of: FenceValidation.Reply.self) { group in
            group.addTask { await batches.validate(Self.key(), volumeHandles: ["v0"], correlation: "c0") }
            while asked.calls.withLock({ $0.isEmpty }) { await Task.yield() }
            for index in 1..<100 {
                group.addTask { await batches.validate(Self.key(), volumeHandles: ["v\(index)", "shared"], correlation: "c\(index)") }
            }
            while await batches.waitingCallers(Self.key()) < 99 { await Task.yield() }
            open.yield()
            var answers = 0
            for await reply in group {
                #expect(reply == .answered(.disconnected, ioInProgress: false, extensionPresent: true))
                answers += 1
            }
            #expect(answers == 100)
        }
        let calls = asked.calls.withLock { $0 }
        #expect(calls.count == 2)
        #expect(calls.first == ["v0"])
        #expect(calls.last?.count == 100, "v1...v99 and 'shared' once")
        #expect(await batches.calls == 2)
        #expect(await batches.callers == 100)
    }

    @Test("other nodes, families and ReadWriteMany volumes are asked apart; a later caller gets a new answer, never a kept one")
    func apart() async {
        let asked = Asked()
        let batches = ValidationBatches { key, handles, _ in
            asked.calls.withLock { $0.append(["\(key.node)/\(key.family)/\(key.readWriteMany)"] + handles) }
            return .answered(key.node == "w2" ? .connected : .disconnected, ioInProgress: false, extensionPresent: true)
        }
        let first = await batches.validate(Self.key("w1"), volumeHandles: ["a"], correlation: "")
        let second = await batches.validate(Self.key("w2"), volumeHandles: ["b"], correlation: "")
        _ = await batches.validate(Self.key("w1", rwx: true), volumeHandles: ["c"], correlation: "")
        _ = await batches.validate(Self.key("w1", family: .powerstore), volumeHandles: ["d"], correlation: "")
        _ = await batches.validate(Self.key("w1"), volumeHandles: ["a"], correlation: "")
        #expect(first == .answered(.disconnected, ioInProgress: false, extensionPresent: true))
        #expect(second == .answered(.connected, ioInProgress: false, extensionPresent: true))
        #expect(asked.calls.withLock { $0.count } == 5)
    }
}
