import Bus
import Contracts
import Foundation
public import OperatorViews
import SwiftProtobuf

extension OperatorBus {
    /// Everything `status` and `history` read: the state buckets, the records, the pause switch
    /// and the latest hold-back alerts.
    public func snapshot() async throws -> ClusterSnapshot {
        async let nodes = values(topology.nodesBucket, as: Podguard_V1_NodeState.self)
        async let pods = values(topology.podsBucket, as: Podguard_V1_PodState.self)
        async let connectivity = values(topology.connectivityBucket, as: Podguard_V1_ArrayConnectivity.self)
        async let fences = values(topology.fencesBucket, as: Podguard_V1_FenceRecord.self)
        async let nodeRemediations = values(topology.nodeRemediationsBucket, as: Podguard_V1_NodeRemediationRecord.self)
        async let pause = pauseSwitch()
        async let holdBacks = latestHoldBacks()
        return ClusterSnapshot(nodes: try await nodes, pods: try await pods, connectivity: try await connectivity,
                               fences: try await fences, nodeRemediations: try await nodeRemediations,
                               pause: try await pause, holdBacks: try await holdBacks)
    }

    /// The FenceRecords only (`history`).
    public func fenceRecords() async throws -> [Podguard_V1_FenceRecord] {
        try await values(topology.fencesBucket, as: Podguard_V1_FenceRecord.self).map(\.value)
    }

    /// The pause switch; nil when never written.
    public func pauseSwitch() async throws -> Podguard_V1_PauseSwitch? {
        let control = try await bucket(topology.controlBucket)
        return try await read { try await control.get(PodguardKeys.pause, as: Podguard_V1_PauseSwitch.self)?.value }
    }

    /// The node's remediation record; nil when it has none.
    public func nodeRemediation(node: String) async throws -> Podguard_V1_NodeRemediationRecord? {
        let store = try await bucket(topology.nodeRemediationsBucket)
        return try await read { try await store.get(PodguardKeys.node(node), as: Podguard_V1_NodeRemediationRecord.self)?.value }
    }

    /// Every current value of a bucket, sorted by key.
    func values<Value: SwiftProtobuf.Message & Sendable>(_ spec: KeyValueBucketSpec, as type: Value.Type) async throws -> [Stored<Value>] {
        let store = try await bucket(spec)
        let values = try await read { try await store.currentValues(as: type) }
        return values.sorted { $0.key < $1.key }.map(\.value)
    }

    /// The last StormLimitReached, ArrayOutage and DriverOutage alerts, one each at most.
    func latestHoldBacks() async throws -> [Podguard_V1_Alert] {
        let messages = StoredMessages(connection: connection, stream: topology.alertStream.name)
        var alerts: [Podguard_V1_Alert] = []
        for (severity, reason) in ClusterSnapshot.holdBackAlerts {
            if let message = try await read({ try await messages.last(subject: subjects.alert(severity: severity, reason: reason)) }),
               let alert = try? Podguard_V1_Alert(serializedBytes: message.payload) {
                alerts.append(alert)
            }
        }
        return alerts
    }

    /// Runs a read, turning the bus's errors into one line that names what was read.
    func read<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as OperatorError {
            throw error
        } catch {
            throw OperatorError.bus("reading the bus as \(principal.role) failed: \(error)")
        }
    }
}
