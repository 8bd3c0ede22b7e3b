import Kube
import Logging
import Synchronization

/// The kubelet status manager's periodic reconcile (its `syncBatch`, every 10 s, and
/// `needsReconcile`): the status the API server holds for each pod this kubelet runs is compared
/// with the kubelet's own, and written again where it differs. Someone else may have changed it:
/// the node lifecycle controller marks a node's pods not Ready when it has not heard from the node
/// in time — also when the node was fine and the API server was away — and only this reconcile
/// brings them back while the kubelet's own view does not change.
///
/// The kubelet judges the difference against its pod manager's watched copy, then reads the pod
/// and patches it; this reads the node's pods from the API server itself (one list per period), so
/// a cache that lags cannot hide a difference. Only a healthy node reports: a node whose kubelet is
/// down, whose interface is down or which is rebooting writes nothing (``NodeLifecycle/kubeletRunning``).
extension SimulatedNode {
    func reconcileStatuses() async {
        // The pods whose status this kubelet has written: the others are syncPods' to write first.
        let held = record.withLock { record in
            record.lifecycle.kubeletRunning && record.registered ? record.pods.filter { record.postedStatuses[$0.key] != nil } : [:]
        }
        guard !held.isEmpty else { return }
        let served: [Pod]
        do {
            served = try await context.client.listAll(Pod.self, options: ListOptions(fieldSelector: "spec.nodeName=\(name)")).items
        } catch {
            logger.debug("status reconcile: pods not listed", metadata: ["node": "\(name)", "error": "\(error)"])
            return
        }
        for pod in served {
            // A pod being deleted, finished, or not (or no longer) this kubelet's is left to syncPods.
            guard let uid = pod.uid, let running = held[uid], pod.metadata.deletionTimestamp == nil,
                  pod.status?.phase != "Succeeded", pod.status?.phase != "Failed" else { continue }
            // Checked again before each write: a fault injected meanwhile silences the node at once.
            let (healthy, ready) = record.withLock { ($0.lifecycle.kubeletRunning, $0.isReady(running)) }
            guard healthy else { return }
            let mine = KubeletPodStatus(running: running, ready: ready)
            let theirs = KubeletPodStatus(pod.status)
            guard mine != theirs else { continue }
            logger.info("pod status on the API server is not the kubelet's; posting it again", metadata: [
                "node": "\(name)", "pod": "\(pod.key)", "differences": "\(mine.differences(from: theirs).joined(separator: ", "))",
            ])
            await postStatus(of: pod, running, ready: ready)
        }
    }
}
