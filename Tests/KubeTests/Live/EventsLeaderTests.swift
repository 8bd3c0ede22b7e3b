import Foundation
import Kube
import Testing

@Suite("Events and leader election against the real apiserver", .timeLimit(.minutes(2)))
struct EventsLeaderTests {
    @Test func repeatedEventsAggregateIntoOneWithASeries() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "events", waitForServiceAccount: true)
        let pod = try await client.create(TestCluster.pod("victim", namespace: ns))
        let recorder = EventRecorder(client: client, controller: "podmon", instance: "podguard-fencing-0")
        let message = "podmon cleaning pod [\(pod.uid ?? "") node-1] with force delete"
        #expect(await recorder.record(regarding: ObjectReference(to: pod), reason: "NodeFailure", note: message))
        #expect(await recorder.record(regarding: ObjectReference(to: pod), reason: "NodeFailure", note: message))
        #expect(await recorder.record(regarding: ObjectReference(to: pod), reason: "NodeFailure", note: message))
        #expect(await recorder.record(regarding: ObjectReference(to: pod), reason: "OtherReason", note: message))
        // events.k8s.io/v1 is served on every version tested (GA since 1.19): no core/v1 fallback.
        #expect(!recorder.usesCoreEvents)

        let events = try await client.list(Event.self, namespace: ns).items
        let failures = events.filter { $0.reason == "NodeFailure" }
        #expect(failures.count == 1)
        #expect(failures.first?.series?.count == 3)
        #expect(failures.first?.regarding?.uid == pod.uid)
        #expect(failures.first?.reportingController == "podmon")
        #expect(failures.first?.type == "Warning")
        #expect(events.filter { $0.reason == "OtherReason" }.count == 1)
        // The same Event seen through core/v1 (what kubectl describe shows).
        let core = try await client.list(CoreEvent.self, namespace: ns).items.filter { $0.reason == "NodeFailure" }
        #expect(core.count == 1)
        #expect(core.first?.involvedObject.name == "victim")
        #expect(core.first?.message == message)
    }

    private func configuration(_ ns: String, _ identity: String) -> LeaderElectionConfiguration {
        var configuration = LeaderElectionConfiguration(namespace: ns, leaseName: "podguard-watcher", identity: identity)
        configuration.leaseDuration = .seconds(3)
        configuration.renewDeadline = .seconds(2)
        configuration.retryPeriod = .milliseconds(300)
        return configuration
    }

    /// The next acquired/lost change (observations skipped).
    private func nextLeadership(_ iterator: inout AsyncStream<LeadershipChange>.Iterator) async throws -> LeadershipChange {
        while true {
            let change = try await next(&iterator, "leadership change")
            if case .observedLeader = change { continue }
            return change
        }
    }

    @Test func handoverOnReleaseAndTakeoverAfterExpiry() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "leader")
        let first = LeaderElector(client: client, configuration: configuration(ns, "first"))
        var firstChanges = first.changes.makeAsyncIterator()
        let firstRun = Task { await first.run() }
        #expect(try await nextLeadership(&firstChanges) == .acquired)

        var secondConfiguration = configuration(ns, "second")
        secondConfiguration.releaseOnCancel = false
        let second = LeaderElector(client: client, configuration: secondConfiguration)
        var secondChanges = second.changes.makeAsyncIterator()
        let secondRun = Task { await second.run() }
        // The second candidate sees the first as leader and waits.
        var observed: LeadershipChange?
        repeat { observed = try await next(&secondChanges) } while observed != .observedLeader("first")
        #expect(!second.isLeader)

        // Shutdown of the first: it releases, reports it, and the second takes over at once.
        firstRun.cancel()
        #expect(try await nextLeadership(&firstChanges) == .lost(reason: "released on shutdown"))
        #expect(try await nextLeadership(&secondChanges) == .acquired)
        #expect(try await client.get(Lease.self, name: "podguard-watcher", namespace: ns).spec?.holderIdentity == "second")

        // The second dies without releasing (releaseOnCancel false): a third candidate must wait
        // out the lease duration, then takes over.
        secondRun.cancel()
        _ = await secondRun.value
        let third = LeaderElector(client: client, configuration: configuration(ns, "third"))
        var thirdChanges = third.changes.makeAsyncIterator()
        let thirdRun = Task { await third.run() }
        defer { thirdRun.cancel() }
        #expect(try await nextLeadership(&thirdChanges) == .acquired)
        let lease = try await client.get(Lease.self, name: "podguard-watcher", namespace: ns)
        #expect(lease.spec?.holderIdentity == "third")
        #expect((lease.spec?.leaseTransitions ?? 0) >= 1)
    }

    @Test func leaderStepsDownWhenTheLeaseIsStolen() async throws {
        let (client, _) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(client, "steal")
        let elector = LeaderElector(client: client, configuration: configuration(ns, "victim"))
        var changes = elector.changes.makeAsyncIterator()
        let run = Task { await elector.run() }
        defer { run.cancel() }
        #expect(try await nextLeadership(&changes) == .acquired)
        try await client.update(Lease.self, name: "podguard-watcher", namespace: ns) { lease in
            lease.spec?.holderIdentity = "thief"
            lease.spec?.renewTime = Date()
            lease.spec?.leaseDurationSeconds = 60
        }
        #expect(try await nextLeadership(&changes) == .lost(reason: "lease taken by thief"))
        #expect(!elector.isLeader)
    }
}
