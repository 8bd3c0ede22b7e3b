import Foundation

/// The mutable state of one simulated node, under its mutex.
struct NodeRecord: Sendable {
    var lifecycle: NodeLifecycle = .healthy
    /// The driver node pods' readiness (orthogonal to the lifecycle).
    var driverPodReady = true
    /// Workload pods (by uid) whose readiness probe fails (a test's doing): reported not Ready.
    var notReadyPods: Set<String> = []
    var bootID = UUID().uuidString.lowercased()
    var boots = 1
    /// Running pods by uid. Survive kubelet-down (zombies); emptied by a reboot.
    var pods: [String: RunningPod] = [:]
    /// Container restarts per pod uid, kept across reboots.
    var restarts: [String: Int32] = [:]
    /// The status this kubelet last wrote for each running pod (by uid): its status manager's
    /// cache. A pod's status is posted when the kubelet's own view moves away from it; what others
    /// change on the API server is caught by the periodic reconcile (SimulatedNode+StatusReconcile).
    var postedStatuses: [String: KubeletPodStatus] = [:]
    var nextPodAddress = 1
    var lastHeartbeat: Date?
    var registered = false

    /// Whether the kubelet reports a pod it runs Ready: a driver pod with the driver's readiness,
    /// a workload pod unless its readiness probe fails.
    func isReady(_ pod: RunningPod) -> Bool {
        pod.isDriverPod ? driverPodReady : !notReadyPods.contains(pod.uid)
    }
}
