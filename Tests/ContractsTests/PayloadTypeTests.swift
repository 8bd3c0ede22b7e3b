// The subject → message type registry a generic tap uses to decode anything on the bus.

import Contracts
import SwiftProtobuf
import Testing

@Suite("Payload types")
struct PayloadTypeTests {
    let registry = PayloadTypeRegistry.standard
    let subjects = PodguardSubjects.standard

    /// A concrete subject matching `pattern`.
    static func example(of pattern: String) -> String {
        pattern.split(separator: ".", omittingEmptySubsequences: false).map { token in
            switch token {
            case "*": "x1"
            case ">": "a.b"
            default: String(token)
            }
        }.joined(separator: ".")
    }

    @Test("every pattern in the registry maps to a type, and to its own entry (no shadowing)")
    func everyPatternResolves() throws {
        #expect(registry.entries.count >= 17)
        for entry in registry.entries {
            let subject = Self.example(of: entry.pattern)
            let found = try #require(registry.entry(forSubject: subject), "\(entry.pattern) resolves to nothing")
            #expect(found.pattern == entry.pattern, "\(subject) resolves to \(found.pattern), not \(entry.pattern)")
            #expect(registry.messageType(forSubject: subject)?.protoMessageName == entry.messageType.protoMessageName)
            #expect(entry.messageType.protoMessageName.hasPrefix("podguard.v1."))
        }
        #expect(Set(registry.entries.map(\.pattern)).count == registry.entries.count, "duplicate patterns")
    }

    @Test("every subject the contract builds resolves to the documented message")
    func subjectsResolve() {
        let cases: [(String, String)] = [
            (subjects.nodeState("n1.lab"), "NodeState"),
            (subjects.podState(namespace: "db", name: "pg-0"), "PodState"),
            (subjects.connectivity(family: .powerflex, node: "n1"), "ArrayConnectivity"),
            (subjects.fenceRequest("n1"), "FenceWork"),
            (subjects.taintRequest("n1"), "NodeTaintRequest"),
            (subjects.decision(namespace: "db", pod: "pg-0"), "DecisionRecord"),
            (subjects.alert(severity: .info, reason: "FenceCompleted"), "Alert"),
            (subjects.cleanup("n1"), "CleanupReport"),
            (BusTopology.standard.fencesBucket.subject(forKey: PodguardKeys.fence(podUID: "u-1")), "FenceRecord"),
            (BusTopology.standard.podsBucket.subject(forKey: PodguardKeys.pod(namespace: "a", name: "b")), "PodState"),
            (BusTopology.standard.proberBucket.subject(forKey: PodguardKeys.proberLease(replicaID: "r")), "ProberLease"),
        ]
        for (subject, name) in cases {
            #expect(registry.messageType(forSubject: subject)?.protoMessageName == "podguard.v1.\(name)", "\(subject)")
        }
        for operation in AdapterOperation.allCases {
            if operation.isControllerOperation {
                let subject = subjects.adapterController(family: .powerstore, operation: operation)
                #expect(registry.messageType(forSubject: subject)?.protoMessageName == operation.requestType.protoMessageName)
                #expect(registry.replyType(forRequestSubject: subject)?.protoMessageName == operation.replyType.protoMessageName)
            }
            if operation.isNodeOperation {
                let subject = subjects.adapterNode(family: .unity, node: "n.1", operation: operation)
                #expect(registry.messageType(forSubject: subject)?.protoMessageName == operation.requestType.protoMessageName)
                #expect(registry.replyType(forRequestSubject: subject)?.protoMessageName == operation.replyType.protoMessageName)
            }
        }
    }

    @Test("subjects outside the contract resolve to nothing")
    func unknownSubjects() {
        for subject in ["podguard.v1.unknown.x", "other.v1.state.node.n1", "podguard.v1.state.node.a.b",
                        "podguard.v1.adapter.powerflex.controller.nope", "podguard.v1", "_INBOX.abc"] {
            #expect(registry.messageType(forSubject: subject) == nil, "\(subject)")
        }
    }

    @Test("NATS wildcard matching")
    func matching() {
        let match = PayloadTypeRegistry.matches
        #expect(match("a.*", "a.b"))
        #expect(!match("a.*", "a"))
        #expect(!match("a.*", "a.b.c"))
        #expect(match("a.>", "a.b.c"))
        #expect(!match("a.>", "a"))
        #expect(match("*.b", "a.b"))
        #expect(!match("a.b", "a.b.c"))
        #expect(!match("a.*", "a."))
    }

    @Test("decode(subject:payload:) decodes with the registered type")
    func decodes() throws {
        var alert = Podguard_V1_Alert()
        alert.reason = "TaintRemoved"
        alert.severity = .info
        let subject = subjects.alert(severity: .info, reason: alert.reason)
        let decoded = try registry.decode(subject: subject, payload: alert.serializedBytes())
        #expect((decoded as? Podguard_V1_Alert) == alert)
        #expect(try registry.decode(subject: "nope.x", payload: []) == nil)
    }

    @Test("a custom prefix gets its own registry")
    func customPrefix() throws {
        let topology = BusTopology(subjects: try PodguardSubjects(prefix: "acme"))
        let custom = PayloadTypeRegistry(topology: topology)
        #expect(custom.messageType(forSubject: "acme.v1.cleanup.n1")?.protoMessageName == "podguard.v1.CleanupReport")
        #expect(custom.messageType(forSubject: "podguard.v1.cleanup.n1") == nil)
        #expect(custom.messageType(forSubject: "$KV.acme-fences.u1")?.protoMessageName == "podguard.v1.FenceRecord")
    }
}
