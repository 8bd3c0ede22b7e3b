import ArrayProberCore
import Bus
import BusService
import Contracts
import Foundation
import Logging
import Metrics
import Policy
import ServiceKit
import ServiceLifecycle
import SwiftProtobuf
import Synchronization

/// The array-prober: every cycle, samples each (family, node) pair it owns through the family's
/// controller adapter and publishes the node's ArrayConnectivity (subject and bucket).
///
/// Replicas share the pairs: each renews a lease in the prober bucket, the live leases are the
/// membership, and rendezvous hashing of the node name over it says who probes what
/// (`WorkAssignment`), so no node is probed twice in a cycle and a dead replica's nodes move to
/// the others once its lease expires. Loss counts are seeded from the last published value, so a
/// takeover continues the count.
public struct ArrayProberService: Service {
    let bus: PodguardBus
    let settings: ProberSettings
    let readiness: ReadinessRegistry
    let logger: Logger
    public static let readinessComponent = "prober"

    public init(bus: PodguardBus, settings: ProberSettings, readiness: ReadinessRegistry, logger: Logger) {
        self.bus = bus
        self.settings = settings
        self.readiness = readiness
        self.logger = logger
        readiness.register(Self.readinessComponent)
    }

    public func run() async throws {
        let open = try await bus.open(logger: logger)
        let pods = KeyValueMirror(open.pods, as: Podguard_V1_PodState.self)
        let nodes = KeyValueMirror(open.nodes, as: Podguard_V1_NodeState.self)
        let acquiredAt = Date()

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pods.follow(logger: logger) }
            group.addTask { await nodes.follow(logger: logger) }

            var trackers: [String: ConnectivityTracker] = [:]
            var cycle: UInt64 = 0
            let cycles = Counter(label: "podguard_prober_cycles_total")
            let probes = Counter(label: "podguard_prober_probes_total")
            let cycleFailures = Counter(label: "podguard_prober_cycles_skipped_total")
            do {
                while !Task.isShuttingDownGracefully {
                    let started = ContinuousClock.now
                    // A bus outage (a nats-server restart, a put or a request timing out) is weather:
                    // this cycle is skipped, the next one tries again; the service never exits for it.
                    do {
                        try await renewLease(open.prober, acquiredAt: acquiredAt, cycle: cycle, probed: trackers.count)
                        if pods.isCaughtUp && nodes.isCaughtUp {
                            cycle += 1
                            let live = try await liveReplicas(open.prober)
                            let (probed, published) = try await runCycle(cycle, live: live, pods: pods, nodes: nodes, trackers: &trackers,
                                                                         connectivity: open.connectivity)
                            probes.increment(by: probed)
                            cycles.increment()
                            readiness.set(Self.readinessComponent, ready: true)
                            logger.debug("probe cycle done", metadata: ["cycle": "\(cycle)", "probed": "\(probed)", "published": "\(published)",
                                                                        "replicas": "\(live.count)"])
                        }
                    } catch let error where !(error is CancellationError) {
                        cycleFailures.increment()
                        readiness.set(Self.readinessComponent, ready: false, reason: "bus unavailable: \(error)")
                        logger.warning("probe cycle skipped: the bus did not answer; trying again next cycle", metadata: ["error": "\(error)"])
                    }
                    let elapsed = ContinuousClock.now - started
                    if elapsed < settings.pollInterval {
                        let pause = settings.pollInterval - elapsed
                        try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                    }
                }
            } catch is CancellationError {
                // Shutdown while sleeping: fall through to the handover.
            }
            // Hand the nodes over at once instead of after the lease TTL; in a task of its own so a
            // cancelled run still gets it done.
            let leaseKey = PodguardKeys.proberLease(replicaID: settings.replicaID)
            await Task { try? await open.prober.delete(leaseKey) }.value
            readiness.set(Self.readinessComponent, ready: false, reason: "shutting down")
            group.cancelAll()
        }
    }

    /// One cycle: probe every owned pair (bounded concurrency), publish each result.
    private func runCycle(_ cycle: UInt64, live: [String], pods: KeyValueMirror<Podguard_V1_PodState>,
                          nodes: KeyValueMirror<Podguard_V1_NodeState>, trackers: inout [String: ConnectivityTracker],
                          connectivity: KeyValueStore) async throws -> (probed: Int, published: Int) {
        // Node keys are subject tokens of the node names.
        let (pods, nodes) = (pods.snapshot().values.map(\.value),
                             Dictionary(nodes.snapshot().values.map { (SubjectToken.decode($0.key) ?? $0.key, $0.value) },
                                        uniquingKeysWith: { first, _ in first }))
        let targets = ProbeTarget.targets(pods: pods, nodes: nodes)
        let owned = targets.filter { WorkAssignment.owner(of: $0.node, among: live) == settings.replicaID }
        let ownedKeys = Set(owned.map(\.key))
        trackers = trackers.filter { ownedKeys.contains($0.key) }
        // A tracker is remade for a new target and when the live settings changed (podmon ConfigMap
        // reload); remade trackers continue the count from the last published value.
        let threshold = settings.lossThreshold
        let pollInterval = settings.pollInterval
        for target in owned where trackers[target.key].map({
            $0.target != target || $0.threshold != threshold || $0.pollInterval != pollInterval
        }) ?? true {
            let previous = try? await connectivity.get(target.key, as: Podguard_V1_ArrayConnectivity.self)?.value
            trackers[target.key] = ConnectivityTracker(target: target, threshold: threshold,
                                                       pollInterval: pollInterval, previous: previous)
        }

        var outcomes: [String: ConnectivityTracker.Outcome] = [:]
        try await withThrowingTaskGroup(of: (String, ConnectivityTracker.Outcome).self) { group in
            var pending = owned[...]
            func startNext() {
                guard let target = pending.popFirst() else { return }
                group.addTask { (target.key, await probe(target, cycle: cycle)) }
            }
            for _ in 0..<settings.concurrency { startNext() }
            while let (key, outcome) = try await group.next() {
                outcomes[key] = outcome
                startNext()
            }
        }

        var published = 0
        let now = Date()
        for target in owned {
            guard let outcome = outcomes[target.key], var tracker = trackers[target.key] else { continue }
            var header = Podguard_V1_Header()
            header.producerID = "array-prober/\(settings.replicaID)"
            header.producedAt = Google_Protobuf_Timestamp(date: now)
            let message = tracker.record(outcome, cycle: cycle, producer: header, now: now)
            trackers[target.key] = tracker
            do {
                try await connectivity.put(target.key, message: message)
                try bus.connection.publish(message, to: bus.subjects.connectivity(family: target.family, node: target.node))
                published += 1
            } catch {
                logger.error("could not publish connectivity", metadata: ["key": "\(target.key)", "error": "\(error)"])
            }
            if message.verdict == .lost {
                logger.warning("array connectivity lost", metadata: ["node": "\(target.node)", "family": "\(PodguardSubjects.token(target.family))"])
            }
        }
        return (owned.count, published)
    }

    private func probe(_ target: ProbeTarget, cycle: UInt64) async -> ConnectivityTracker.Outcome {
        var request = Podguard_V1_ValidateHostConnectivityRequest()
        request.header.producerID = "array-prober/\(settings.replicaID)"
        request.header.producedAt = Google_Protobuf_Timestamp(date: Date())
        request.nodeName = target.node
        request.csiNodeID = target.csiNodeID
        request.timeout = settings.probeTimeout.protobuf
        let subject = bus.subjects.adapterController(family: target.family, operation: .validateHostConnectivity)
        do {
            // Wait a little longer than the adapter's own deadline so its typed error arrives.
            let reply = try await bus.connection.request(request, to: subject, expecting: Podguard_V1_ValidateHostConnectivityReply.self,
                                                     timeout: settings.probeTimeout + .milliseconds(500))
            return .reply(reply)
        } catch {
            return .failed("\(error)")
        }
    }

    private func renewLease(_ members: KeyValueStore, acquiredAt: Date, cycle: UInt64, probed: Int) async throws {
        var lease = Podguard_V1_ProberLease()
        lease.header.producerID = "array-prober/\(settings.replicaID)"
        lease.header.producedAt = Google_Protobuf_Timestamp(date: Date())
        lease.replicaID = settings.replicaID
        lease.acquiredAt = Google_Protobuf_Timestamp(date: acquiredAt)
        lease.renewedAt = Google_Protobuf_Timestamp(date: Date())
        lease.nodesProbed = UInt32(clamping: probed)
        lease.cycle = cycle
        try await members.put(PodguardKeys.proberLease(replicaID: settings.replicaID), message: lease)
    }

    /// The replica ids with a live lease (expired leases are gone from the bucket), always including
    /// this replica.
    private func liveReplicas(_ members: KeyValueStore) async throws -> [String] {
        let ids = try await members.keys().compactMap { key -> String? in
            guard key.hasPrefix("replica.") else { return nil }
            return SubjectToken.decode(String(key.dropFirst("replica.".count)))
        }
        return Array(Set(ids + [settings.replicaID])).sorted()
    }
}
