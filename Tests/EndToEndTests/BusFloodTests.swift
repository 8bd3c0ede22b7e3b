import ArrayFamily
import Bus
import Contracts
import Foundation
import Harness
import NodeSimulator
import PodguardStack
import SwiftProtobuf
import Synchronization
import Testing

/// Replies counted by the flood scenario's reader.
private final class ReplyCounter: Sendable {
    let count = Mutex(0)
}

extension EndToEndTests {
    /// The podguard metrics a flood may raise, summed over their labels, per service.
    static func floodCounters(_ stack: PodguardStack) async -> [ServiceID: [String: Double]] {
        var counters: [ServiceID: [String: Double]] = [:]
        for (id, process) in stack.processes {
            for line in await process.metrics().split(separator: "\n") where !line.hasPrefix("#") {
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                guard ["podguard_bus_undecodable_messages_total", "podguard_bus_dropped_messages_total",
                       "podguard_bus_slow_consumer_events_total", "podguard_alert_relay_undecodable_total"].contains(name),
                      let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
                counters[id, default: [:]][name, default: 0] += value
            }
        }
        return counters
    }

    /// (aj) A flood of malformed messages degrades one subscription, never a service (issue "Proof
    /// under chaos", item 4): as the administrator (who may publish anything under the prefix),
    /// 100 rounds of seeded random bytes — and messages of the wrong type, which protobuf may
    /// decode into an empty request — on every subject podguard's services consume: fence and
    /// taint requests, decisions, alerts, cleanups, connectivity and state, every adapter
    /// operation of every family and node, as fast as the client can send them. Afterwards no
    /// service has exited, every one is ready, the undecodable counters say what they dropped, and
    /// a node failure is remediated as before: its pod moved exactly once.
    @Test func aFloodOfMalformedMessagesDegradesOneSubscriptionNeverAService() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("a flood of malformed messages") {
            let subjects = PodguardSubjects.standard
            let nodes = stack.nodeNames
            let families = stack.configuration.families.compactMap { PodguardSubjects.family(fromToken: $0.rawValue) }
            var requests: [String] = []
            var targets = nodes.flatMap { [subjects.fenceRequest($0), subjects.taintRequest($0), subjects.cleanup($0), subjects.nodeState($0)] }
            targets += [subjects.decision(namespace: "flood", pod: "p"), subjects.alert(severity: .critical, reason: "Flood"),
                        subjects.podState(namespace: "flood", name: "p")]
            for family in families {
                for node in nodes { targets.append(subjects.connectivity(family: family, node: node)) }
                for operation in AdapterOperation.allCases where operation.isControllerOperation {
                    requests.append(subjects.adapterController(family: family, operation: operation))
                }
                for node in nodes {
                    for operation in AdapterOperation.allCases where operation.isNodeOperation {
                        requests.append(subjects.adapterNode(family: family, node: node, operation: operation))
                    }
                }
            }
            // The adapters answer requests: every malformed one is asked with a reply subject.
            let inbox = "\(stack.topology.inboxPrefix(for: .administrator)).flood"
            // One reply subject per request, as a requester's inbox gives: the server allows a
            // responder one reply per delivered request, remembered by its reply subject.
            let replies = try stack.bus.subscribe(to: "\(inbox).>", bufferCapacity: 1 << 20)
            let fencingLog = stack.processes(.fencing).map(\.log.count)
            let before = await Self.floodCounters(stack)
            var random = SplitMix64(seed: 2718)
            // A message of another type: a FenceRequest's subject given an Alert, and so on.
            var alien = Podguard_V1_Alert()
            alien.reason = "NotAFenceRequest"
            alien.summary = String(repeating: "x", count: 200)
            let alienBytes: [UInt8] = try alien.serializedBytes()
            var sent = 0
            for round in 0..<100 {
                for subject in targets + requests {
                    let payload: [UInt8] = round % 10 == 0 ? alienBytes
                        : (0..<Int.random(in: 0...512, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    try stack.bus.publish(payload, to: subject, replyTo: requests.contains(subject) ? "\(inbox).\(sent)" : nil)
                    sent += 1
                }
            }
            try await stack.bus.flush(timeout: .seconds(30))
            stack.auditor.log("e2e: \(sent) malformed messages on \(targets.count) subjects")
            try await Task.sleep(for: .seconds(5))
            try require(stack.crashedProcesses().isEmpty, "services exited: \(stack.crashedProcesses().map(\.id.description))")
            try await stack.waitUntilReady(timeout: .seconds(60))
            let after = await Self.floodCounters(stack)
            var raised: [String] = []
            for (id, counters) in after.sorted(by: { $0.key < $1.key }) {
                for (name, value) in counters.sorted(by: { $0.key < $1.key }) where value > (before[id]?[name] ?? 0) {
                    raised.append("\(id) \(name) +\(Int(value - (before[id]?[name] ?? 0)))")
                }
            }
            print("[e2e] flood of \(sent) messages: \(raised.joined(separator: "; "))")
            // Each kind of consumer dealt with its share: alert-relay dropped what is no Alert, fencing
            // rejected (and terminated) the fence work it cannot act on, the adapters answered.
            try require(raised.contains { $0.contains("alert_relay_undecodable") }, "alert-relay counted nothing: \(raised)")
            let rejected = zip(stack.processes(.fencing), fencingLog).map { process, offset in
                process.log.dropFirst(offset).components(separatedBy: "rejecting fence work that cannot be acted on").count - 1
            }.reduce(0, +)
            try require(rejected > 0, "fencing rejected no malformed fence work")
            let counter = ReplyCounter()
            let counting = Task { for await _ in replies { counter.count.withLock { $0 += 1 } } }
            try await Task.sleep(for: .seconds(3))
            counting.cancel()
            replies.unsubscribe()
            let answered = counter.count.withLock { $0 }
            print("[e2e] flood: fencing rejected \(rejected) fence works; the adapters answered \(answered) of \(requests.count * 100) requests")
            try require(answered > 0, "no adapter answered a malformed request")

            // And podguard still does its work.
            let namespace = try await stack.makeNamespace("flood")
            let target = stack.nodeNames[2]
            let workload = ProtectedWorkload(name: "fdb", families: [.powerstore], preferredNode: target)
            let old = try await stack.deploy(workload, namespace: namespace)[0]
            try require(old.node == target, "the pod started on \(old.node), not \(target)")
            try await stack.cluster.inject(.interfaceDown, on: target)
            let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [old], timeout: .seconds(180))[0]
            try require(new.node != target, "replaced on the failed node")
            try await Wait.until("the auditor saw the remediation") {
                stack.auditor.fenceRecords(podUID: old.uid).contains { $0.phase == .podDeleted }
            }
            let remediations = Set(stack.auditor.fenceRecords(podUID: old.uid).filter { $0.phase == .podDeleted }.map(\.fenceID))
            try require(remediations.count == 1, "remediated \(remediations.count) times")
            try await stack.cluster.recover(.interfaceDown, on: target)
            try await stack.waitUntilNodeClean(target, timeout: .seconds(180))
        }
    }
}
