import Foundation
import Harness
import Kube
import Testing

@Suite("List and watch against the real apiserver", .timeLimit(.minutes(2)))
struct ListWatchTests {
    @Test func listPaginatesWithLimitTwoOverSevenObjects() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "page")
        for index in 0..<7 {
            var lease = Lease(name: "l\(index)", namespace: ns)
            lease.spec = LeaseSpec(holderIdentity: "h\(index)")
            _ = try await client.create(lease)
        }
        var pages: [[String]] = []
        var options = ListOptions(limit: 2)
        repeat {
            let page = try await client.list(Lease.self, namespace: ns, options: options)
            pages.append(page.items.map(\.name))
            options.continueToken = page.metadata.continue
        } while !(options.continueToken ?? "").isEmpty
        #expect(pages.map(\.count) == [2, 2, 2, 1])
        #expect(pages.flatMap { $0 }.sorted() == (0..<7).map { "l\($0)" })

        let all = try await client.listAll(Lease.self, namespace: ns, pageSize: 2)
        #expect(all.items.count == 7)
        #expect(all.metadata.resourceVersion != nil)
        #expect(Set(all.items.compactMap { $0.spec?.holderIdentity }).count == 7)
    }

    @Test func labelSelectorFiltersAndSpecialCharactersSurviveEncoding() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "sel", waitForServiceAccount: true)
        _ = try await client.create(TestCluster.pod("a", namespace: ns, labels: ["podmon.dellemc.com/driver": "csi-vxflexos"]))
        _ = try await client.create(TestCluster.pod("b", namespace: ns, labels: ["podmon.dellemc.com/driver": "csi-unity"]))
        _ = try await client.create(TestCluster.pod("c", namespace: ns))
        let selected = try await client.list(Pod.self, namespace: ns, options: ListOptions(labelSelector: "podmon.dellemc.com/driver=csi-vxflexos"))
        #expect(selected.items.map(\.name) == ["a"])
        let set = try await client.list(Pod.self, namespace: ns, options: ListOptions(labelSelector: "podmon.dellemc.com/driver in (csi-unity,csi-vxflexos)"))
        #expect(set.items.map(\.name).sorted() == ["a", "b"])
        let byField = try await client.list(Pod.self, namespace: ns, options: ListOptions(fieldSelector: "metadata.name=c"))
        #expect(byField.items.map(\.name) == ["c"])
    }

    @Test func watchDeliversAddModifyDelete() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "watch")
        let start = try await client.list(Lease.self, namespace: ns)
        let events = client.watch(Lease.self, namespace: ns, options: WatchOptions(resourceVersion: start.metadata.resourceVersion))
        var iterator = events.makeAsyncIterator()

        var lease = Lease(name: "w", namespace: ns)
        lease.spec = LeaseSpec(holderIdentity: "one")
        lease = try await client.create(lease)
        lease.spec?.holderIdentity = "two"
        _ = try await client.update(lease)
        try await client.delete(Lease.self, name: "w", namespace: ns)

        var seen: [String] = []
        while seen.count < 3 {
            switch try await next(&iterator) {
            case .added(let l): seen.append("added \(l.spec?.holderIdentity ?? "")")
            case .modified(let l): seen.append("modified \(l.spec?.holderIdentity ?? "")")
            case .deleted(let l): seen.append("deleted \(l.name)")
            case .bookmark: break
            }
        }
        #expect(seen == ["added one", "modified two", "deleted w"])
    }

    @Test func watchResumesFromTheLastResourceVersionAfterTheConnectionIsKilled() async throws {
        let (shared, plane) = try await TestCluster.client()
        let proxy = try KubeControlPlaneProxy(upstreamPort: plane.apiserverPort)
        defer { proxy.close() }
        let ns = try await TestCluster.namespace(shared, "resume")
        var configuration = try TestCluster.configuration(plane, server: proxy.url)
        configuration.retry.backoff = Backoff(initial: .milliseconds(100), maximum: .milliseconds(500))
        try await withClient(configuration) { client in
            let start = try await client.list(Lease.self, namespace: ns)
            var iterator = client.watch(Lease.self, namespace: ns, options: WatchOptions(resourceVersion: start.metadata.resourceVersion),
                                        maxAttempts: 100).makeAsyncIterator()
            _ = try await shared.create(Lease(name: "before", namespace: ns))
            guard case .added(let before) = try await next(&iterator) else { throw TestFailure("expected ADDED before") }
            #expect(before.name == "before")

            // Cut the connection and keep the client out while changes happen behind its back.
            proxy.refuseNewConnections(true)
            proxy.severConnections()
            _ = try await shared.create(Lease(name: "during-1", namespace: ns))
            _ = try await shared.create(Lease(name: "during-2", namespace: ns))
            try await shared.delete(Lease.self, name: "before", namespace: ns)
            proxy.refuseNewConnections(false)

            // Resumed from the last resourceVersion: exactly the missed changes, in order, no replay.
            var seen: [String] = []
            while seen.count < 3 {
                switch try await next(&iterator) {
                case .added(let l): seen.append("added \(l.name)")
                case .modified(let l): seen.append("modified \(l.name)")
                case .deleted(let l): seen.append("deleted \(l.name)")
                case .bookmark: break
                }
            }
            #expect(seen == ["added during-1", "added during-2", "deleted before"])
        }
    }

    @Test func serverSideTimeoutEndsConnectionsAndTheWatchReconnectsSeamlessly() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "timeout")
        let start = try await client.list(Lease.self, namespace: ns)
        var iterator = client.watch(Lease.self, namespace: ns, options: WatchOptions(resourceVersion: start.metadata.resourceVersion, timeoutSeconds: 1)).makeAsyncIterator()
        // Create objects across several 1-second connections; none may be lost or repeated.
        let writer = Task {
            for index in 0..<5 {
                _ = try await client.create(Lease(name: "t\(index)", namespace: ns))
                try await Task.sleep(for: .milliseconds(700))
            }
        }
        var names: [String] = []
        while names.count < 5 {
            if case .added(let lease) = try await next(&iterator) { names.append(lease.name) }
        }
        try await writer.value
        #expect(names == (0..<5).map { "t\($0)" })
    }
}

@Suite("410 Gone with the watch cache off (own control plane)", .serialized, .timeLimit(.minutes(4)))
struct ExpiredWatchTests {
    @Test func compactionMakesAResumingWatchGoneAndTheInformerRelists() async throws {
        let plane = try await KubeControlPlane.start(watchCache: false)
        defer { plane.stop() }
        let proxy = try KubeControlPlaneProxy(upstreamPort: plane.apiserverPort)
        defer { proxy.close() }
        try await withClient(try TestCluster.configuration(plane)) { admin in
            let ns = try await TestCluster.namespace(admin, "expire")
            for name in ["keep", "vanish"] { _ = try await admin.create(Lease(name: name, namespace: ns)) }
            let firstPage = try await admin.list(Lease.self, namespace: ns, options: ListOptions(limit: 1))
            let continueToken = try #require(firstPage.metadata.continue)

            var configuration = try TestCluster.configuration(plane, server: proxy.url)
            configuration.retry.backoff = Backoff(initial: .milliseconds(100), maximum: .milliseconds(300))
            try await withClient(configuration) { client in
                let informer = Informer(client: client, Lease.self, namespace: ns)
                let runner = Task { await informer.run() }
                defer { runner.cancel() }
                var events = informer.events.makeAsyncIterator()
                var initial: [String] = []
                while true {
                    let event = try await next(&events)
                    if case .added(let lease) = event { initial.append(lease.name) }
                    if case .synced = event { break }
                }
                #expect(initial.sorted() == ["keep", "vanish"])

                // Behind the informer's back: delete one, add one, then compact etcd past its
                // resourceVersion, so resuming the watch answers 410 and only a relist helps.
                let syncedVersion = try await admin.list(Lease.self, namespace: ns).metadata.resourceVersion
                proxy.refuseNewConnections(true)
                proxy.severConnections()
                try await admin.delete(Lease.self, name: "vanish", namespace: ns)
                _ = try await admin.create(Lease(name: "new", namespace: ns))
                for index in 0..<3 { _ = try await admin.create(Lease(name: "pad\(index)", namespace: ns)) }
                try await plane.compact()
                // The version the informer would resume from is now compacted: 410, deterministically.
                var stale = admin.watch(Lease.self, namespace: ns, options: WatchOptions(resourceVersion: syncedVersion)).makeAsyncIterator()
                await #expect { while try await stale.next() != nil {} } throws: { ($0 as? KubeError)?.isGone == true }
                // So is a pagination token from before; listAll starts over by itself.
                await #expect { try await admin.list(Lease.self, namespace: ns, options: ListOptions(limit: 1, continueToken: continueToken)) }
                    throws: { ($0 as? KubeError)?.isGone == true }
                #expect(try await admin.listAll(Lease.self, namespace: ns, pageSize: 1).items.count == 5)  // keep, new, pad0-2
                proxy.refuseNewConnections(false)

                var after: [String] = []
                while !(after.contains("deleted vanish") && after.contains("added new")) {
                    switch try await next(&events) {
                    case .added(let l): after.append("added \(l.name)")
                    case .updated(_, let l): after.append("updated \(l.name)")
                    case .deleted(let l): after.append("deleted \(l.name)")
                    case .synced: after.append("synced")
                    }
                }
                #expect(!after.contains("synced"), "synced is sent once, after the first list")
                #expect(informer.get(name: "vanish", namespace: ns) == nil)
                #expect(informer.get(name: "keep", namespace: ns) != nil)
                #expect(informer.get(name: "new", namespace: ns) != nil)
            }
        }
    }
}
