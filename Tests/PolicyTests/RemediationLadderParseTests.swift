import Contracts
import Foundation
import Policy
import Testing

@Suite("RemediationLadder: text and record forms")
struct RemediationLadderParseTests {
    static func seconds(_ text: String) -> Duration? {
        guard let last = text.last, let value = Int64(text.dropLast()) else { return nil }
        switch last {
        case "s": return .seconds(value)
        case "m": return .seconds(value * 60)
        case "h": return .seconds(value * 3600)
        default: return nil
        }
    }

    @Test("a ladder's text is read in order and written back the same")
    func roundTrip() throws {
        let ladder = try RemediationLadder.parse("storage:5m  fence-agent:90s approval:1h", duration: Self.seconds)
        #expect(ladder.rungs.map(\.step) == [.storageFence, .fenceAgent, .approval])
        #expect(ladder.rungs.map(\.timeout) == [.seconds(300), .seconds(90), .seconds(3600)])
        #expect(ladder.text == "storage:5m fence-agent:90s approval:1h")
        #expect(ladder.beyondStorage.rungs.map(\.step) == [.fenceAgent, .approval])
        #expect(RemediationLadder.storageOnly.beyondStorage.rungs.isEmpty)
    }

    @Test("bad ladders are refused with the reason", arguments: [
        ("", "at least one step"),
        ("storage", "is not <step>:<timeout>"),
        ("power:5m", "unknown step 'power'"),
        ("storage:soon", "unreadable timeout 'soon'"),
        ("approval:1h storage:5m", "approval must be the last"),
        ("storage:5m storage:1m", "appears twice"),
        ("fence-agent:0s", "positive timeout"),
    ])
    func refused(text: String, expected: String) {
        do {
            _ = try RemediationLadder.parse(text, duration: Self.seconds)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test("a record's climb is read back into the machine exactly, at every state")
    func recordRoundTrip() throws {
        let ladder = try RemediationLadder.parse("fence-agent:3m external:5m approval:1h", duration: Self.seconds)
        let start = Date(timeIntervalSince1970: 1_000_000)
        var machine = NodeRemediationStateMachine(ladder: ladder, at: start)
        var record = Podguard_V1_NodeRemediationRecord()
        let events: [NodeRemediationStateMachine.Event] = [
            .failed(.fenceAgent, reason: "wrong password", at: start + 10),
            .tick(start + 400),
            .denied(reason: "still running", at: start + 500),
        ]
        for event in events {
            _ = machine.handle(event)
            machine.apply(to: &record)
            let read = try NodeRemediationStateMachine(record: record)
            #expect(read == machine, "\(event)")
        }
        #expect(record.state == .denied)
        #expect(record.history.map(\.result) == [.failed, .timedOut, .denied])
        #expect(record.history.first?.detail == "wrong password")
    }

    @Test("a new rung is not started yet; the same rung keeps its started mark")
    func rungStarted() throws {
        let ladder = try RemediationLadder.parse("fence-agent:3m approval:1h", duration: Self.seconds)
        var machine = NodeRemediationStateMachine(ladder: ladder, at: Date(timeIntervalSince1970: 0))
        var record = Podguard_V1_NodeRemediationRecord()
        machine.apply(to: &record)
        record.rungStarted = true
        _ = machine.handle(.tick(Date(timeIntervalSince1970: 10)))
        machine.apply(to: &record)
        #expect(record.rungStarted, "nothing changed: still started")
        _ = machine.handle(.failed(.fenceAgent, reason: "no answer", at: Date(timeIntervalSince1970: 20)))
        machine.apply(to: &record)
        #expect(!record.rungStarted && record.rung == 1)
    }

    @Test("records podguard did not write are refused, not climbed")
    func refusedRecords() {
        var record = Podguard_V1_NodeRemediationRecord()
        record.state = .climbing
        #expect(throws: NodeRemediationRecordProblem.self) { try NodeRemediationStateMachine(record: record) }
        var rung = Podguard_V1_LadderRung()
        (rung.step, rung.timeoutSeconds) = (.fenceAgent, 60)
        record.ladder = [rung]
        record.rung = 3
        #expect(throws: NodeRemediationRecordProblem.self) { try NodeRemediationStateMachine(record: record) }
        record.rung = 0
        record.state = .proven
        #expect(throws: NodeRemediationRecordProblem.self, "proven by no step") { try NodeRemediationStateMachine(record: record) }
    }

    @Test("a node climbs the ladder its label names, else the cluster's, and an unknown name is said")
    func selection() throws {
        let ladders = try RemediationLadders.parse(cluster: "storage:5m approval:1h",
                                                   named: ["bare-metal = storage:5m fence-agent:3m", "vm=storage:2m approval:30m"],
                                                   label: "podguard.io/remediation-ladder", duration: Self.seconds)
        #expect(ladders.beyondStorage)
        #expect(ladders.ladder(nodeLabels: [:]).description == "storage:5m approval:1h (cluster ladder)")
        let metal = ladders.ladder(nodeLabels: ["podguard.io/remediation-ladder": "bare-metal"])
        #expect(metal.name == "bare-metal" && metal.ladder.rungs.map(\.step) == [.storageFence, .fenceAgent])
        #expect(metal.description == "storage:5m fence-agent:3m (ladder bare-metal)")
        let unknown = ladders.ladder(nodeLabels: ["podguard.io/remediation-ladder": "pi"])
        #expect(unknown.name == "default" && unknown.unknownLabel == "pi")
        #expect(unknown.description == "storage:5m approval:1h (cluster ladder: no ladder named 'pi')")
        #expect(!RemediationLadders().beyondStorage, "podmon's default: the storage fence alone")
        let onlyNamed = try RemediationLadders.parse(cluster: "storage:5m", named: ["vm=storage:5m approval:5m"],
                                                     label: "l", duration: Self.seconds)
        #expect(onlyNamed.beyondStorage, "one named ladder beyond the storage fence is enough")
    }

    @Test("bad configured ladders say which text is wrong", arguments: [
        ("storage:5m fence-agent", [String](), RemediationLadders.Problem.Which.cluster, "is not <step>:<timeout>"),
        ("storage:5m", ["vm"], .named, "expected <name>=<ladder>"),
        ("storage:5m", ["=storage:5m"], .named, "expected <name>=<ladder>"),
        ("storage:5m", ["vm=approval:5m storage:5m"], .named, "invalid ladder 'approval:5m storage:5m' for 'vm'"),
    ])
    func badLadders(cluster: String, named: [String], which: RemediationLadders.Problem.Which, message: String) {
        do {
            _ = try RemediationLadders.parse(cluster: cluster, named: named, label: "l", duration: Self.seconds)
            Issue.record("accepted \(cluster) \(named)")
        } catch {
            #expect(error.which == which)
            #expect(error.description.contains(message), "\(error.description)")
        }
    }
}
