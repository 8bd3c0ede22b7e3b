// Subject and KeyValue key encoding, subject construction and parsing, wildcards, topology names.

import Contracts
import Harness
import Testing

@Suite("Subjects")
struct SubjectTests {
    let subjects = PodguardSubjects.standard

    @Test("'.' in Kubernetes names becomes '_' and back")
    func dotsAreEncoded() {
        #expect(SubjectToken.encode("worker-1.example.com") == "worker-1_example_com")
        #expect(SubjectToken.decode("worker-1_example_com") == "worker-1.example.com")
        #expect(SubjectToken.encode("postgres-0") == "postgres-0")
    }

    @Test("characters NATS forbids or that would be ambiguous are escaped, reversibly",
          arguments: ["a b", "a*b", "a>b", "a_b", "a=b", "a/b", "tab\there", "über", "", "...", "A.B_c=D", "日本"])
    func escapesRoundTrip(value: String) throws {
        let token = SubjectToken.encode(value)
        #expect(SubjectToken.isValid(token), "\(token) is not a valid token")
        #expect(!token.contains(".") && !token.contains("*") && !token.contains(">") && !token.contains(" "))
        // Also a valid KeyValue key token: [-/_=a-zA-Z0-9].
        #expect(token.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_=/".unicodeScalars.contains($0)) })
        #expect(SubjectToken.decode(token) == value)
    }

    @Test("pseudo-random strings round-trip")
    func randomRoundTrip() {
        var generator = SplitMix64(seed: 42)
        let alphabet = Array("abcz09.-_=*> \t/é")
        for _ in 0..<500 {
            let length = Int(generator.next() % 12)
            let value = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            let token = SubjectToken.encode(value)
            #expect(SubjectToken.isValid(token))
            #expect(SubjectToken.decode(token) == value)
        }
    }

    @Test("malformed tokens do not decode", arguments: ["a.b", "=4", "=ZZ", "=4g", "a b", "*", ""])
    func malformedTokens(token: String) {
        #expect(SubjectToken.decode(token) == nil)
    }

    @Test("isValid rejects what NATS forbids")
    func validity() {
        #expect(SubjectToken.isValid("worker-1_example_com"))
        #expect(!SubjectToken.isValid(""))
        #expect(!SubjectToken.isValid("a.b"))
        #expect(!SubjectToken.isValid("*"))
        #expect(!SubjectToken.isValid(">"))
        #expect(!SubjectToken.isValid("a b"))
        #expect(!SubjectToken.isValid("a\nb"))
    }

    @Test("concrete subjects have the documented shape")
    func concreteSubjects() {
        #expect(subjects.nodeState("worker-1.example.com") == "podguard.v1.state.node.worker-1_example_com")
        #expect(subjects.podState(namespace: "db", name: "postgres-0") == "podguard.v1.state.pod.db.postgres-0")
        #expect(subjects.connectivity(family: .powerflex, node: "n1") == "podguard.v1.connectivity.powerflex.n1")
        #expect(subjects.adapterController(family: .powermax, operation: .validateHostConnectivity)
                == "podguard.v1.adapter.powermax.controller.validate-host-connectivity")
        #expect(subjects.adapterNode(family: .unity, node: "n1.lab", operation: .nodeUnstage)
                == "podguard.v1.adapter.unity.node.n1_lab.node-unstage")
        #expect(subjects.fenceRequest("n1") == "podguard.v1.fence.request.n1")
        #expect(subjects.taintRequest("n1") == "podguard.v1.taint.request.n1")
        #expect(subjects.decision(namespace: "db", pod: "postgres-0") == "podguard.v1.decision.db.postgres-0")
        #expect(subjects.alert(severity: .critical, reason: "FenceAborted") == "podguard.v1.alert.critical.FenceAborted")
        #expect(subjects.cleanup("n1") == "podguard.v1.cleanup.n1")
    }

    @Test("every subject parses back to what built it")
    func parseRoundTrip() {
        let node = "worker-1.example.com"
        let cases: [(String, ParsedSubject)] = [
            (subjects.nodeState(node), .nodeState(node: node)),
            (subjects.podState(namespace: "db", name: "pg.0"), .podState(namespace: "db", name: "pg.0")),
            (subjects.connectivity(family: .powerscale, node: node), .connectivity(family: .powerscale, node: node)),
            (subjects.adapterController(family: .generic, operation: .controllerUnpublish),
             .adapterController(family: .generic, operation: .controllerUnpublish)),
            (subjects.adapterNode(family: .powerstore, node: node, operation: .listContainers),
             .adapterNode(family: .powerstore, node: node, operation: .listContainers)),
            (subjects.fenceRequest(node), .fenceRequest(node: node)),
            (subjects.taintRequest(node), .taintRequest(node: node)),
            (subjects.decision(namespace: "db", pod: "pg-0"), .decision(namespace: "db", pod: "pg-0")),
            (subjects.alert(severity: .warning, reason: "CleanupBlocked"), .alert(severity: .warning, reason: "CleanupBlocked")),
            (subjects.cleanup(node), .cleanup(node: node)),
        ]
        for (subject, expected) in cases {
            #expect(subjects.parse(subject) == expected, "\(subject)")
        }
        #expect(subjects.parse("podguard.v1.state.node.a.b") == nil)
        #expect(subjects.parse("podguard.v1.adapter.powerflex.controller.node-unstage") == nil)
        #expect(subjects.parse("podguard.v1.adapter.nosuchfamily.controller.probe") == nil)
        #expect(subjects.parse("other.v1.state.node.n1") == nil)
        #expect(subjects.parse("podguard.v2.state.node.n1") == nil)
    }

    @Test("wildcards match the subjects they are meant to")
    func wildcards() {
        let match = PayloadTypeRegistry.matches
        #expect(subjects.everything == "podguard.v1.>")
        #expect(subjects.allAlerts == "podguard.v1.alert.>")
        #expect(subjects.allState == "podguard.v1.state.>")
        #expect(match(subjects.everything, subjects.cleanup("n1")))
        #expect(match(subjects.allState, subjects.nodeState("n1")))
        #expect(match(subjects.allState, subjects.podState(namespace: "a", name: "b")))
        #expect(match(subjects.allNodeStates, subjects.nodeState("n1.x")))
        #expect(!match(subjects.allNodeStates, subjects.podState(namespace: "a", name: "b")))
        #expect(match(subjects.allPodStates, subjects.podState(namespace: "a", name: "b.c")))
        #expect(match(subjects.podStates(namespace: "a"), subjects.podState(namespace: "a", name: "b")))
        #expect(!match(subjects.podStates(namespace: "a"), subjects.podState(namespace: "ab", name: "b")))
        #expect(match(subjects.allConnectivity(family: .unity), subjects.connectivity(family: .unity, node: "n")))
        #expect(!match(subjects.allConnectivity(family: .unity), subjects.connectivity(family: .powermax, node: "n")))
        #expect(match(subjects.adapterControllerRequests(family: .powerflex),
                      subjects.adapterController(family: .powerflex, operation: .probe)))
        #expect(!match(subjects.adapterControllerRequests(family: .powerflex),
                       subjects.adapterNode(family: .powerflex, node: "n", operation: .probe)))
        #expect(match(subjects.adapterNodeRequests(family: .powerflex, node: "n.1"),
                      subjects.adapterNode(family: .powerflex, node: "n.1", operation: .nodeUnpublish)))
        #expect(match(subjects.allFenceRequests, subjects.fenceRequest("n1")))
        #expect(!match(subjects.allFenceRequests, subjects.taintRequest("n1")))
        #expect(match(subjects.alerts(severity: .critical), subjects.alert(severity: .critical, reason: "X")))
        #expect(!match(subjects.alerts(severity: .critical), subjects.alert(severity: .info, reason: "X")))
        #expect(match(subjects.decisions(namespace: "db"), subjects.decision(namespace: "db", pod: "p")))
        #expect(match(subjects.allCleanups, subjects.cleanup("n")))
    }

    @Test("a custom prefix is used everywhere; invalid prefixes are refused")
    func customPrefix() throws {
        let custom = try PodguardSubjects(prefix: "acme.pg")
        #expect(custom.nodeState("n1") == "acme.pg.v1.state.node.n1")
        #expect(custom.everything == "acme.pg.v1.>")
        #expect(custom.parse("acme.pg.v1.cleanup.n1") == .cleanup(node: "n1"))
        #expect(custom.parse("podguard.v1.cleanup.n1") == nil)
        for bad in ["", "a..b", ".a", "a.", "a b", "a.*", "a.>", "a/b"] {
            #expect(throws: SubjectError.invalidPrefix(bad)) { try PodguardSubjects(prefix: bad) }
        }
    }

    @Test("KeyValue keys use the same encoding")
    func keys() {
        #expect(PodguardKeys.node("worker-1.example.com") == "worker-1_example_com")
        #expect(PodguardKeys.pod(namespace: "db", name: "pg.0") == "db.pg_0")
        #expect(PodguardKeys.connectivity(family: .powerflex, node: "n.1") == "powerflex.n_1")
        #expect(PodguardKeys.fence(podUID: "7520ba2a-0000-4000-8000-000000000001") == "7520ba2a-0000-4000-8000-000000000001")
        #expect(PodguardKeys.proberLease(replicaID: "array-prober-5d8f") == "replica.array-prober-5d8f")
    }

    @Test("family and severity tokens round-trip")
    func enumTokens() {
        for family in Podguard_V1_ArrayFamily.allCases {
            #expect(PodguardSubjects.family(fromToken: PodguardSubjects.token(family)) == family)
        }
        #expect(PodguardSubjects.token(.powerscale) == "powerscale")
        for severity in Podguard_V1_Severity.allCases {
            #expect(PodguardSubjects.severity(fromToken: PodguardSubjects.token(severity)) == severity)
        }
        #expect(PodguardSubjects.token(.warning) == "warning")
    }

    @Test("stream and bucket names and settings")
    func topology() throws {
        let topology = BusTopology.standard
        #expect(topology.workStream.name == "PODGUARD_WORK")
        #expect(topology.workStream.retention == .workQueue)
        #expect(topology.workStream.storage == .file)
        #expect(topology.workStream.duplicateWindow == .seconds(120))
        #expect(topology.workStream.subjects == ["podguard.v1.fence.request.>", "podguard.v1.taint.request.>"])
        #expect(topology.alertStream.name == "PODGUARD_ALERTS")
        #expect(topology.alertStream.subjects == ["podguard.v1.alert.>"])
        #expect(topology.alertStream.maxAge == .seconds(7 * 24 * 3600))
        #expect(topology.eventStream.name == "PODGUARD_EVENTS")
        #expect(topology.eventStream.subjects == ["podguard.v1.decision.>", "podguard.v1.cleanup.>"])
        #expect(topology.eventStream.maxAge == .seconds(24 * 3600))
        #expect(topology.buckets.map(\.name) == ["podguard-nodes", "podguard-pods", "podguard-connectivity",
                                                 "podguard-fences", "podguard-node-remediations", "podguard-prober", "podguard-control",
                                                 "podguard-alert-firing", "podguard-alert-deliveries"])
        #expect(topology.alertDeliveriesBucket.ttl! > topology.alertStream.maxAge!, "a redelivered Alert must find its delivery record")
        #expect(topology.fencesBucket.history == 5)
        #expect(topology.nodeRemediationsBucket.history == 5)
        #expect(topology.nodeRemediationsBucket.valueMessageName == "podguard.v1.NodeRemediationRecord")
        #expect(topology.proberBucket.ttl == .seconds(30))
        #expect(topology.fencesBucket.valueMessageName == "podguard.v1.FenceRecord")
        #expect(topology.consumers.map(\.stream) == ["PODGUARD_WORK", "PODGUARD_WORK", "PODGUARD_ALERTS"])
        #expect(topology.alertRelayConsumer.filterSubject == "podguard.v1.alert.>" && topology.alertRelayConsumer.maxDeliver == -1)

        let custom = BusTopology(subjects: try PodguardSubjects(prefix: "acme.pg-2"))
        #expect(custom.workStream.name == "ACME_PG_2_WORK")
        #expect(custom.nodesBucket.name == "acme-pg-2-nodes")
        #expect(custom.alertStream.subjects == ["acme.pg-2.v1.alert.>"])
    }
}
