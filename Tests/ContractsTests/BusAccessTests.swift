// Who may do what on the bus: the permissions the contract's one description gives each principal,
// checked subject by subject; the rendered server configuration accepted by a real nats-server; the
// docs' table in step with the description.

@testable import Contracts
import Foundation
import Harness
import Testing

@Suite("Bus access")
struct BusAccessTests {
    let topology = BusTopology.standard
    let everyone = BusPrincipal.all()

    /// The principals allowed to publish `subject`.
    func publishers(_ subject: String) -> Set<String> {
        Set(everyone.filter { topology.permissions(for: $0).mayPublish(subject) }.map(\.role))
    }

    func subscribers(_ subject: String) -> Set<String> {
        Set(everyone.filter { topology.permissions(for: $0).maySubscribe(subject) }.map(\.role))
    }

    @Test("NATS wildcards: '*' one token, '>' the rest")
    func wildcards() {
        #expect(SubjectPattern.matches("a.*.c", "a.b.c"))
        #expect(!SubjectPattern.matches("a.*.c", "a.b.d.c"))
        #expect(SubjectPattern.matches("a.>", "a.b.c"))
        #expect(!SubjectPattern.matches("a.>", "a"))
        #expect(SubjectPattern.covers("a.>", "a.*"))
        #expect(SubjectPattern.overlaps("a.*.c", "a.b.>") && SubjectPattern.overlaps("a.>", "a.b"))
        #expect(!SubjectPattern.overlaps("a.*", "a.b.c") && !SubjectPattern.overlaps("a.>", "a") && !SubjectPattern.overlaps("a.b", "a.c"))
        #expect(!SubjectPattern.covers("a.*", "a.>"))
        #expect(!SubjectPattern.covers("a.b.*", "a.*.*"))
    }

    @Test("only decision publishes fence and taint requests; only fencing unpublishes volumes")
    func requests() {
        let subjects = topology.subjects
        #expect(publishers(subjects.fenceRequest("n1")) == ["decision", "admin"])
        #expect(publishers(subjects.taintRequest("n1")) == ["decision", "admin"])
        #expect(publishers(subjects.adapterController(family: .powerflex, operation: .controllerUnpublish)) == ["fencing", "admin"])
        #expect(publishers(subjects.adapterNode(family: .unity, node: "n1", operation: .nodeUnpublish)) == ["node-cleanup", "admin"])
        #expect(publishers(subjects.adapterController(family: .powermax, operation: .validateHostConnectivity))
                == ["array-prober", "fencing", "admin"])
        #expect(publishers(subjects.adapterController(family: .powermax, operation: .probe)) == ["admin"])
        #expect(publishers(subjects.decision(namespace: "ns", pod: "p")) == ["decision", "admin"])
        #expect(publishers(subjects.cleanup("n1")) == ["node-cleanup", "admin"])
        #expect(publishers(subjects.alert(severity: .critical, reason: "X")) == ["decision", "fencing", "node-cleanup", "admin"])
    }

    @Test("each bucket is written by its owners only")
    func bucketWriters() {
        func writers(_ bucket: KeyValueBucketSpec) -> Set<String> { publishers(bucket.subject(forKey: "k")) }
        #expect(writers(topology.podsBucket) == ["watcher", "admin"])
        #expect(writers(topology.nodesBucket) == ["watcher", "admin"])
        #expect(writers(topology.connectivityBucket) == ["array-prober", "admin"])
        #expect(writers(topology.proberBucket) == ["array-prober", "admin"])
        #expect(writers(topology.fencesBucket) == ["decision", "fencing", "node-cleanup", "admin"])
        #expect(writers(topology.nodeRemediationsBucket) == ["fencing", "admin"])
        #expect(writers(topology.controlBucket) == ["admin"])
    }

    @Test("adapters read no state and publish nothing; each serves its own family and mode")
    func adapters() {
        for family in BusPrincipal.adapterFamilies {
            for principal in [BusPrincipal.controllerAdapter(family), .nodeAdapter(family)] {
                let permissions = topology.permissions(for: principal)
                // Only answers: to the inboxes of those who may ask it (replies outlive a reconnect).
                #expect(permissions.publish == topology.askers(of: principal).map { "\(topology.inboxPrefix(for: $0)).>" }.sorted(),
                        "\(principal.role) may publish \(permissions.publish)")
                #expect(permissions.allowResponses)
                #expect(permissions.subscribe.allSatisfy { !$0.hasPrefix("$") }, "\(principal.role): \(permissions.subscribe)")
            }
            // The observer sees requests (podguard-tap shows them) but cannot answer one.
            let token = PodguardSubjects.token(family)
            #expect(subscribers(topology.subjects.adapterControllerRequests(family: family)) == ["adapter-\(token)-controller", "observer", "admin"])
            #expect(subscribers(topology.subjects.adapterNodeRequests(family: family, node: "n1")) == ["adapter-\(token)-node", "observer", "admin"])
        }
        #expect(subscribers(topology.subjects.everything) == ["observer", "admin"])
        let controller = topology.permissions(for: .controllerAdapter(.powerflex))
        #expect(controller.publish == ["_INBOX.podguard-array-prober.>", "_INBOX.podguard-fencing.>"])
        #expect(!controller.mayPublish("_INBOX.podguard-decision.X.1") && !controller.mayPublish(topology.subjects.everything))
        #expect(topology.permissions(for: .nodeAdapter(.unity)).publish == ["_INBOX.podguard-node-cleanup.>"])
        let observer = topology.permissions(for: .observer)
        #expect(!observer.allowResponses && !observer.mayPublish("_INBOX.podguard-fencing.X.1"))
    }

    @Test("only the administrator creates, changes or deletes streams and consumers it does not own")
    func administration() {
        for stream in topology.allStreamNames {
            #expect(publishers("$JS.API.STREAM.CREATE.\(stream)") == ["admin"])
            #expect(publishers("$JS.API.STREAM.DELETE.\(stream)") == ["admin"])
            #expect(publishers("$JS.API.STREAM.PURGE.\(stream)") == ["admin"])
        }
        #expect(publishers("$JS.API.CONSUMER.DURABLE.CREATE.PODGUARD_WORK.fencing-fence-requests") == ["fencing", "admin"])
        #expect(publishers("$JS.API.CONSUMER.MSG.NEXT.PODGUARD_WORK.fencing-fence-requests") == ["fencing", "admin"])
        #expect(publishers("$JS.API.CONSUMER.DURABLE.CREATE.PODGUARD_WORK.other") == ["admin"])
    }

    @Test("each principal has inboxes of its own, and no other's")
    func inboxes() {
        let prefixes = everyone.map { topology.inboxPrefix(for: $0) }
        #expect(Set(prefixes).count == everyone.count)
        for principal in everyone {
            let own = topology.inboxPrefix(for: principal) + ".X1.1"
            #expect(subscribers(own) == Set([principal.role]), "\(own)")
        }
    }

    @Test("user names and password variables are distinct and follow the prefix")
    func names() throws {
        #expect(Set(everyone.map { topology.userName(for: $0) }).count == everyone.count)
        #expect(Set(everyone.map(NATSAuthorization.passwordVariable)).count == everyone.count)
        #expect(NATSAuthorization.passwordVariable(for: .nodeAdapter(.powerflex)) == "PODGUARD_NATS_ADAPTER_POWERFLEX_NODE_PASSWORD")
        let east = BusTopology(subjects: try PodguardSubjects(prefix: "east"))
        #expect(east.userName(for: .fencing) == "east-fencing")
        #expect(east.permissions(for: .decision).mayPublish("east.v1.fence.request.n1"))
        #expect(!east.permissions(for: .decision).mayPublish("podguard.v1.fence.request.n1"))
        for principal in everyone { #expect(BusPrincipal(role: principal.role) == principal) }
    }

    @Test("a real nats-server accepts the rendered configuration")
    func serverAcceptsConfiguration() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("podguard-access-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let users = everyone.map { ($0, NATSUserCredential.password("p-\($0.role)")) }
        let accounts = NATSAuthorization(topology: topology, users: users).accountsBlock()
        try accounts.write(to: directory.appendingPathComponent("accounts.conf"), atomically: true, encoding: .utf8)
        let config = "listen: 127.0.0.1:4222\njetstream { store_dir: \"\(directory.path)/js\" }\ninclude ./accounts.conf\n"
        try config.write(to: directory.appendingPathComponent("nats.conf"), atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(try NATSServerProcess.executable(), ["-c", "nats.conf", "-t"],
                                                currentDirectory: directory)
        #expect(result.status == 0, "\(result.output)")
        #expect(accounts.contains("publish: { allow: [\"_INBOX.podguard-array-prober.>\", \"_INBOX.podguard-fencing.>\"] }"),
                "a controller adapter publishes only answers to those who may ask it")
        #expect(NATSAuthorization.rule([]) == "{ deny: [\">\"] }", "an empty publish list must deny, not allow, everything")
        let fromEnvironment = NATSAuthorization.fromEnvironment(topology: topology).accountsBlock()
        #expect(fromEnvironment.contains("password: $PODGUARD_NATS_FENCING_PASSWORD"))
    }

    @Test("docs/bus-contract.md carries the table rendered from the description")
    func docsTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: root.appendingPathComponent("docs/bus-contract.md"), encoding: .utf8)
        let table = BusAccessTable.markdown(topology)
        #expect(docs.contains(table), "docs/bus-contract.md is out of date: replace its table with `podguard-bus permissions --format markdown --families powerflex`")
    }
}
