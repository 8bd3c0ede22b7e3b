import CSISimulator
import Synchronization

/// The containers' I/O: every running container writes to each of its volumes, whatever the
/// kubelet's state — a zombie behind a dead kubelet keeps writing, and only the array (fencing)
/// can stop it.
extension SimulatedNode {
    func writeVolumes() {
        let targets = record.withLock { record -> [(String, PublishedVolume)] in
            guard record.lifecycle.containersRunning else { return [] }
            return record.pods.values.flatMap { pod in pod.volumes.map { (pod.uid, $0) } }
        }
        guard !targets.isEmpty else { return }
        let results = targets.map { uid, volume in
            (uid, context.backends[volume.family]?.array.attemptWrite(volume: volume.handle, from: name) ?? false)
        }
        record.withLock { record in
            for (uid, accepted) in results {
                if accepted { record.pods[uid]?.acceptedWrites += 1 } else { record.pods[uid]?.refusedWrites += 1 }
            }
        }
    }
}
