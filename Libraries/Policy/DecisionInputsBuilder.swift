import Contracts
import Foundation
import SwiftProtobuf

/// Builds the `DecisionInputs` of one pod from the state mirrored on the bus. Pure: the same
/// states give the same inputs, which the DecisionRecord stores so the decision can be replayed.
public struct DecisionInputsBuilder: Sendable {
    public var taintKeys: TaintKeys

    public init(taintKeys: TaintKeys) {
        self.taintKeys = taintKeys
    }

    /// Cluster-wide fence counts for storm control.
    public struct FenceCounts: Sendable, Equatable {
        /// Fences started and not terminal.
        public var inProgress: Int
        /// Nodes with such fences.
        public var nodes: Set<String>
        public var nodesTotal: Int

        public init(inProgress: Int, nodes: Set<String>, nodesTotal: Int) {
            self.inProgress = inProgress
            self.nodes = nodes
            self.nodesTotal = nodesTotal
        }
    }

    public func inputs(pod: Podguard_V1_PodState, node: Podguard_V1_NodeState?,
                       connectivity: [Podguard_V1_ArrayConnectivity], crashLoopDeletesSoFar: Int,
                       fences: FenceCounts, now: Date? = nil) -> Podguard_V1_DecisionInputs {
        var inputs = Podguard_V1_DecisionInputs()
        inputs.podReady = pod.ready
        inputs.podPhase = pod.phase
        inputs.crashLoopBackOff = pod.crashLoopBackOff
        inputs.crashLoopDeletesSoFar = UInt32(clamping: crashLoopDeletesSoFar)
        inputs.podResourceVersion = pod.resourceVersion

        let volumes = pod.volumes.filter(\.bound)
        inputs.volumeCount = UInt32(volumes.count)
        inputs.readWriteMany = volumes.contains { $0.accessModes.contains("ReadWriteMany") }
        let families = Self.orderedUnique(volumes.map(\.family))
        inputs.families = families
        let drivers = Set(volumes.map(\.driver))

        if let node {
            inputs.nodeReady = node.ready
            inputs.nodeTaints = node.taints
            inputs.nodeResourceVersion = node.resourceVersion
            if let now, node.ready == .unknown || node.ready == .false, node.hasReadyLastTransition {
                let silentFor = max(0, now.timeIntervalSince(node.readyLastTransition.date))
                inputs.nodeNotReadyFor = Google_Protobuf_Duration(rounding: silentFor, rule: .towardZero)
            }
            inputs.noteNodeTaints(node.taints, keys: taintKeys)
            inputs.csiNodeIdsKnown = !drivers.isEmpty && drivers.allSatisfy { node.csiNodeIds[$0].map { !$0.isEmpty } ?? false }
            let driverPods = node.driverPods.filter { drivers.contains($0.driver) }
            if driverPods.isEmpty {
                inputs.driverPodReady = .unknown
            } else {
                inputs.driverPodReady = driverPods.allSatisfy { $0.ready == .true } ? .true : .false
            }
        }

        // Connectivity of the pod's node to the arrays of the pod's families; another node's uid
        // means a stale sample (the node was re-created) and counts as unknown.
        let relevant = connectivity.filter { sample in
            families.contains(sample.family) && (node == nil || sample.nodeUid.isEmpty || sample.nodeUid == node?.uid)
        }
        inputs.connectivity = Self.combine(relevant.map(\.verdict), expected: families.count)
        let arrays = Set(volumes.flatMap(\.arrayIds))
        inputs.ioInProgress = relevant.contains { sample in
            sample.arrays.contains { $0.ioInProgress && (arrays.isEmpty || arrays.contains($0.arrayID)) }
        }
        let observedTimes: [Google_Protobuf_Timestamp] = relevant.map(\.header.producedAt)
        if let observed = observedTimes.max(by: Self.earlier) {
            inputs.connectivityObservedAt = observed
        }

        var fencedNodes = fences.nodes
        fencedNodes.insert(pod.nodeName)
        inputs.fencesInProgress = UInt32(clamping: fences.inProgress)
        inputs.nodesFenced = UInt32(clamping: fencedNodes.count)
        inputs.nodesTotal = UInt32(clamping: fences.nodesTotal)
        return inputs
    }

    /// LOST if any family is lost; CONNECTED only if every family of the pod reported connected.
    static func combine(_ verdicts: [Podguard_V1_ConnectivityVerdict], expected: Int) -> Podguard_V1_ConnectivityVerdict {
        if verdicts.contains(.lost) { return .lost }
        if expected > 0 && verdicts.count >= expected && verdicts.allSatisfy({ $0 == .connected }) { return .connected }
        return .unknown
    }

    static func earlier(_ lhs: Google_Protobuf_Timestamp, _ rhs: Google_Protobuf_Timestamp) -> Bool {
        lhs.seconds != rhs.seconds ? lhs.seconds < rhs.seconds : lhs.nanos < rhs.nanos
    }

    static func orderedUnique<T: Hashable>(_ values: [T]) -> [T] {
        var seen = Set<T>()
        return values.filter { seen.insert($0).inserted }
    }
}
