import CRI
import CRISimulator
import Foundation
import Synchronization

/// A reference to the node that does not keep it alive (the node owns the runtime that owns
/// this source).
struct WeakNode: Sendable {
    weak var node: SimulatedNode?
}

/// The node's containers as its runtime reports them over CRI: every container of every pod the
/// simulated kubelet started and that still runs here. Containers outlive a stopped kubelet (the
/// zombies node-cleanup looks for) and are gone after a reboot; a driver pod's containers exit
/// while the driver pod is down.
final class KubeletContainers: ContainerSource {
    let node = Mutex(WeakNode())

    func containers() async throws -> [SimulatedContainer] {
        guard let node = node.withLock({ $0.node }) else { return [] }
        return node.record.withLock { record in
            record.pods.values.flatMap { pod in
                pod.containers.map { container in
                    let exited = pod.isDriverPod && !record.driverPodReady
                    return SimulatedContainer(
                        id: container.id.replacingOccurrences(of: "containerd://", with: ""),
                        podUID: pod.uid, podName: pod.name, podNamespace: pod.namespace,
                        containerName: container.name, state: exited ? .exited : .running,
                        createdAtNanoseconds: Int64(pod.startedAt.timeIntervalSince1970 * 1e9),
                        attempt: UInt32(clamping: record.restarts[pod.uid] ?? 0), image: container.image)
                }
            }
        }
    }
}
