public import Contracts
public import Foundation
public import Policy

/// What fencing reads of the live node before acting.
public struct LiveNode: Sendable, Hashable {
    public struct Taint: Sendable, Hashable {
        public var key: String
        /// "NoSchedule", "PreferNoSchedule" or "NoExecute".
        public var effect: String

        public init(key: String, effect: String) {
            self.key = key
            self.effect = effect
        }
    }

    public var uid: String
    public var taints: [Taint]
    /// CSI node id per driver name (annotation csi.volume.kubernetes.io/nodeid).
    public var csiNodeIDs: [String: String]
    /// Status of the Ready condition (`.unspecified` when the node has none).
    public var ready: Podguard_V1_ConditionStatus
    /// lastTransitionTime of the Ready condition.
    public var readySince: Date?
    /// status.nodeInfo.bootID: a node proven safe is proven for this boot only.
    public var bootID: String
    /// The node's labels (the remediation ladder it climbs).
    public var labels: [String: String]
    /// `status.volumesAttached`: what the attach/detach controller holds attached to the node (and
    /// would force-detach under the out-of-service taint); nil when the status has no such list.
    public var attachedVolumes: [String]?

    public init(uid: String, taints: [Taint], csiNodeIDs: [String: String] = [:],
                ready: Podguard_V1_ConditionStatus = .unknown, readySince: Date? = nil,
                bootID: String = "", labels: [String: String] = [:], attachedVolumes: [String]? = nil) {
        self.uid = uid
        self.taints = taints
        self.csiNodeIDs = csiNodeIDs
        self.ready = ready
        self.readySince = readySince
        self.bootID = bootID
        self.labels = labels
        self.attachedVolumes = attachedVolumes
    }

    /// No kubelet reports this node: Ready Unknown/False and `node.kubernetes.io/unreachable`
    /// (`NotReadyEvidence.nodeSilent`, with no grace: fencing needs the array's proof then anyway).
    public func isSilent(at now: Date) -> Bool {
        NotReadyEvidence.nodeSilent(nodeReady: ready, notReadyFor: readySince.map { .seconds(max(0, now.timeIntervalSince($0))) },
                                    unreachableTainted: isUnreachable, grace: .zero)
    }

    /// `node.kubernetes.io/unreachable` with NoSchedule or NoExecute (podmon's taintnosched/taintnoexec).
    public var isUnreachable: Bool {
        taints.contains { $0.key == TaintKeys.unreachable && ($0.effect == "NoSchedule" || $0.effect == "NoExecute") }
    }

    /// `node.kubernetes.io/unreachable:NoExecute` (podmon's taintnoexec).
    public var isUnreachableNoExecute: Bool {
        taints.contains { $0.key == TaintKeys.unreachable && $0.effect == "NoExecute" }
    }

    /// The taints as the contract spells them.
    public var contractTaints: [Podguard_V1_Taint] {
        taints.map { taint in
            var contract = Podguard_V1_Taint()
            contract.key = taint.key
            contract.effect = Podguard_V1_TaintEffect(kubernetes: taint.effect)
            return contract
        }
    }

    /// A podguard/podmon or driver-offline taint (podmon's taintpodmon).
    public func isPodguardTainted(_ keys: TaintKeys) -> Bool {
        taints.contains { $0.effect == "NoSchedule" && (keys.isPodguard($0.key) || keys.isDriverOffline($0.key)) }
    }
}
