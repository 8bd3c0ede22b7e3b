import Kube

/// The part of a pod's status a simulated kubelet owns, in a form that compares: the phase, the
/// Ready and ContainersReady conditions, and each container's id and ready flag. Built from what
/// the kubelet runs (what it would post) or from a pod as the API server holds it, so the two can
/// be compared — the kubelet status manager's "is the API server's status still mine?".
/// Timestamps, reasons and addresses are left out: they change on every post.
struct KubeletPodStatus: Sendable, Hashable {
    struct ContainerView: Sendable, Hashable {
        var name: String
        var id: String?
        var ready: Bool
    }

    var phase: String?
    var readyCondition: String?
    var containersReadyCondition: String?
    /// Sorted by name.
    var containers: [ContainerView]

    /// What the kubelet posts for a pod it runs (``SimulatedNode/postStatus(of:_:ready:)``).
    init(running: RunningPod, ready: Bool) {
        let readyText = ready ? "True" : "False"
        phase = "Running"
        readyCondition = readyText
        containersReadyCondition = readyText
        containers = running.containers.map { ContainerView(name: $0.name, id: $0.id, ready: ready) }.sorted { $0.name < $1.name }
    }

    /// What the API server holds.
    init(_ status: PodStatus?) {
        phase = status?.phase
        readyCondition = status?.conditions?.first { $0.type == "Ready" }?.status
        containersReadyCondition = status?.conditions?.first { $0.type == "ContainersReady" }?.status
        containers = (status?.containerStatuses ?? []).map { ContainerView(name: $0.name, id: $0.containerID, ready: $0.ready) }
            .sorted { $0.name < $1.name }
    }

    /// The fields that differ from `other`, for the log.
    func differences(from other: KubeletPodStatus) -> [String] {
        var fields: [String] = []
        if phase != other.phase { fields.append("phase \(other.phase ?? "-") → \(phase ?? "-")") }
        if readyCondition != other.readyCondition { fields.append("Ready \(other.readyCondition ?? "-") → \(readyCondition ?? "-")") }
        if containersReadyCondition != other.containersReadyCondition {
            fields.append("ContainersReady \(other.containersReadyCondition ?? "-") → \(containersReadyCondition ?? "-")")
        }
        if containers != other.containers { fields.append("containerStatuses") }
        return fields
    }
}
