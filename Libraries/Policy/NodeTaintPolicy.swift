/// Node-level rules: which podguard taints a node should carry.
///
/// - The driver-offline taint (`offline.<driver>.storage.dell.com:NoSchedule`) is added while the
///   CSI driver's node pod on the node is not Ready and removed when it is Ready again (podmon §2.2).
/// - The podguard taint (`<driver>.podmon.storage.dell.com:NoSchedule`) is added when array
///   connectivity of a node with protected pods is declared lost (podmon §2.4). It is removed only
///   by node-cleanup (see `CleanupPolicy`), never here.
public enum NodeTaintPolicy {
    public enum Action: Sendable, Equatable {
        case none
        case add(String)
        case remove(String)
    }

    public static func driverOffline(driverPodReady: Bool?, hasOfflineTaint: Bool, taintKey: String) -> Action {
        switch (driverPodReady, hasOfflineTaint) {
        case (false?, false): return .add(taintKey)
        case (true?, true): return .remove(taintKey)
        // No driver pod seen on the node: nothing is known, nothing changes.
        default: return .none
        }
    }

    public static func connectivityLoss(lost: Bool, hasProtectedPods: Bool, hasPodguardTaint: Bool, taintKey: String) -> Action {
        lost && hasProtectedPods && !hasPodguardTaint ? .add(taintKey) : .none
    }
}
