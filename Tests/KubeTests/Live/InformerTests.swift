import Foundation
import Kube
import Testing

@Suite("Informer against the real apiserver", .timeLimit(.minutes(2)))
struct InformerTests {
    @Test func informerSyncsIndexesAndFollowsChanges() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "informer", waitForServiceAccount: true)
        let driverLabel = "podmon.dellemc.com/driver"
        _ = try await client.create(TestCluster.pod("a", namespace: ns, labels: [driverLabel: "csi-vxflexos"], nodeName: "node-1"))
        _ = try await client.create(TestCluster.pod("b", namespace: ns, labels: [driverLabel: "csi-vxflexos"], nodeName: "node-2"))
        _ = try await client.create(TestCluster.pod("unprotected", namespace: ns, nodeName: "node-1"))

        let informer = Informer(client: client, Pod.self, namespace: ns, labelSelector: "\(driverLabel)=csi-vxflexos",
                                indexes: [.byNodeName, .label("app")], watchTimeoutSeconds: 5)
        let runner = Task { await informer.run() }
        defer { runner.cancel() }
        var events = informer.events.makeAsyncIterator()
        var added: [String] = []
        while true {
            let event = try await next(&events)
            if case .added(let pod) = event { added.append(pod.name) }
            if case .synced = event { break }
        }
        #expect(added.sorted() == ["a", "b"])
        #expect(informer.hasSynced)
        #expect(informer.objects(index: InformerIndex<Pod>.byNodeName.name, value: "node-1").map(\.name) == ["a"])

        // A new pod, a label change (re-indexed), a delete: typed events, in order.
        _ = try await client.create(TestCluster.pod("c", namespace: ns, labels: [driverLabel: "csi-vxflexos", "app": "db"], nodeName: "node-1"))
        _ = try await client.patch(Pod.self, name: "a", namespace: ns, patch: .labels(["app": "db"]))
        try await client.delete(Pod.self, name: "b", namespace: ns, options: DeleteOptions(gracePeriodSeconds: 0))
        var seen: [String] = []
        while seen.last != "deleted b" {
            switch try await next(&events) {
            case .added(let pod): seen.append("added \(pod.name)")
            case .updated(let old, let new):
                if new.name == "a" { #expect(old.metadata.labels?["app"] == nil && new.metadata.labels?["app"] == "db") }
                seen.append("updated \(new.name)")
            case .deleted(let pod): seen.append("deleted \(pod.name)")
            case .synced: Issue.record("synced twice")
            }
        }
        // Deleting a bound pod first sets its deletionTimestamp (an update), even with grace 0.
        #expect(seen.filter { $0 != "updated b" } == ["added c", "updated a", "deleted b"])
        #expect(informer.objects(index: InformerIndex<Pod>.byNodeName.name, value: "node-1").map(\.name) == ["a", "c"])
        #expect(informer.objects(index: InformerIndex<Pod>.byNodeName.name, value: "node-2").isEmpty)
        #expect(informer.objects(index: "label:app", value: "db").map(\.name) == ["a", "c"])
        #expect(informer.get(name: "b", namespace: ns) == nil)

        // Server-side timeout (5 s) ends the watch; the informer keeps following without relisting
        // duplicates: a change after the reconnect still arrives, exactly once.
        try await Task.sleep(for: .seconds(6))
        _ = try await client.patch(Pod.self, name: "c", namespace: ns, patch: .labels(["app": "cache"]))
        guard case .updated(_, let updated) = try await next(&events) else { throw TestFailure("expected an update of c") }
        #expect(updated.name == "c")
        #expect(informer.objects(index: "label:app", value: "cache").map(\.name) == ["c"])
        #expect(informer.objects(index: "label:app", value: "db").map(\.name) == ["a"])
    }
}
