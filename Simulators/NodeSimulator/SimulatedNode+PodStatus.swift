import Foundation
import Kube
import Logging
import Synchronization

/// The pod status a kubelet posts for a running pod.
extension SimulatedNode {
    func postStatus(of pod: Pod, _ running: RunningPod, ready: Bool) async {
        let now = Date()
        let restarts = record.withLock { $0.restarts[running.uid] ?? 0 }
        let readyText = ready ? "True" : "False"
        let conditions = [
            PodCondition(type: "Initialized", status: "True", lastTransitionTime: running.startedAt),
            PodCondition(type: "Ready", status: readyText, reason: ready ? nil : "ContainersNotReady", lastTransitionTime: now),
            PodCondition(type: "ContainersReady", status: readyText, reason: ready ? nil : "ContainersNotReady",
                         lastTransitionTime: now),
            PodCondition(type: "PodScheduled", status: "True", lastTransitionTime: running.startedAt),
        ]
        let containers = running.containers.map { container in
            var status = ContainerStatus(
                name: container.name, ready: ready, restartCount: restarts, image: container.image,
                imageID: container.image, containerID: container.id,
                state: ContainerState(running: ContainerStateRunning(startedAt: running.startedAt)))
            status.started = true
            return status
        }
        // A JSON merge patch replaces the lists whole: a strategic merge would merge podIPs by ip
        // and keep the address of the pod's previous life next to the new one (rejected as two IPs).
        do {
            let status: JSONValue = .object([
                "phase": .string("Running"),
                "hostIP": .string(internalIP),
                "podIP": .string(running.podIP),
                "podIPs": .array([.object(["ip": .string(running.podIP)])]),
                "startTime": .string(KubeTime.format(running.startedAt)),
                "conditions": try JSONValue(encoding: conditions),
                "containerStatuses": try JSONValue(encoding: containers),
            ])
            _ = try await context.client.patch(Pod.self, name: pod.name, namespace: pod.namespace,
                                               patch: .merge(.object(["status": status])), subresource: "status")
            // Written: the status manager's cache holds it (a failed write is tried again).
            record.withLock { record in
                if record.pods[running.uid] != nil { record.postedStatuses[running.uid] = KubeletPodStatus(running: running, ready: ready) }
            }
        } catch {
            logger.debug("pod status update failed", metadata: ["node": "\(name)", "pod": "\(pod.key)", "error": "\(error)"])
        }
    }
}
