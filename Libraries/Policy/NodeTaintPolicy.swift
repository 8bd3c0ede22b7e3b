/// Node-level rules: which podguard taints a node should carry.
///
/// - The driver-offline taint (`offline.<driver>.storage.dell.com:NoSchedule`) is added while the
///   CSI driver's node pod on the node is not Ready by its kubelet's own report, and removed when
///   it is Ready again (podmon's driver-pod monitoring).
/// - The podguard taint (`<driver>.podmon.storage.dell.com:NoSchedule`) is added when array
///   connectivity of a node with protected pods is declared lost (as podmon does). It is removed only
///   by node-cleanup (see `CleanupPolicy`), never here.
public enum NodeTaintPolicy {
    public enum Action: Sendable, Equatable {
        case none
        case add(String)
        case remove(String)
    }

    /// - Parameter reportedByKubelet: the node's kubelet reports (node Ready) and the driver pod's
    ///   not-Ready came from it (its Ready condition has a reason). A silent node's pods are marked
    ///   not Ready by the node controller, which says nothing about the driver: the node's failure
    ///   is handled as such, and for the seconds after an API-server outage, until the kubelets post
    ///   again, every node's driver pods carry that mark.
    public static func driverOffline(driverPodReady: Bool?, reportedByKubelet: Bool = true, hasOfflineTaint: Bool,
                                     taintKey: String) -> Action {
        switch (driverPodReady, hasOfflineTaint) {
        case (false?, false): return reportedByKubelet ? .add(taintKey) : .none
        case (true?, true): return .remove(taintKey)
        // No driver pod seen on the node: nothing is known, nothing changes.
        default: return .none
        }
    }

    public static func connectivityLoss(lost: Bool, hasProtectedPods: Bool, hasPodguardTaint: Bool, taintKey: String) -> Action {
        lost && hasProtectedPods && !hasPodguardTaint ? .add(taintKey) : .none
    }
}
