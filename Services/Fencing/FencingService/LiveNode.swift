import Policy

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

    public init(uid: String, taints: [Taint], csiNodeIDs: [String: String] = [:]) {
        self.uid = uid
        self.taints = taints
        self.csiNodeIDs = csiNodeIDs
    }

    /// `node.kubernetes.io/unreachable` with NoSchedule or NoExecute (podmon's taintnosched/taintnoexec).
    public var isUnreachable: Bool {
        taints.contains { $0.key == TaintKeys.unreachable && ($0.effect == "NoSchedule" || $0.effect == "NoExecute") }
    }

    /// `node.kubernetes.io/unreachable:NoExecute` (podmon's taintnoexec).
    public var isUnreachableNoExecute: Bool {
        taints.contains { $0.key == TaintKeys.unreachable && $0.effect == "NoExecute" }
    }

    /// A podguard/podmon or driver-offline taint (podmon's taintpodmon).
    public func isPodguardTainted(_ keys: TaintKeys) -> Bool {
        taints.contains { $0.effect == "NoSchedule" && (keys.isPodguard($0.key) || keys.isDriverOffline($0.key)) }
    }
}
