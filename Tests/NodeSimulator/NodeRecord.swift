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
    var nextPodAddress = 1
    var lastHeartbeat: Date?
    var registered = false
}
