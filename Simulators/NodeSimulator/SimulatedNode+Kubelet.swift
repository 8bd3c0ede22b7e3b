import ArrayFamily
import CSI
import CSISimulator
import Foundation
import Kube
import Logging
import Synchronization

/// The kubelet's pod work: start pods bound here once their volumes are attached (NodeStage and
/// NodePublish on this node's plugin), report them Running and Ready, finish graceful deletions,
/// and clean up pods that vanished from the apiserver (force-deleted elsewhere).
extension SimulatedNode {
    func syncPods() async {
        guard record.withLock({ $0.lifecycle.kubeletRunning && $0.registered }) else { return }
        let pods = context.pods.objects(index: InformerIndex<Pod>.byNodeName.name, value: name)
        for pod in pods { await sync(pod) }
        let present = Set(pods.compactMap(\.uid))
        let orphans = record.withLock { record in record.pods.values.filter { !present.contains($0.uid) } }
        for orphan in orphans {
            guard await tearDown(orphan.volumes) else { continue }
            _ = record.withLock { $0.pods.removeValue(forKey: orphan.uid) }
            logger.info("orphaned pod cleaned up", metadata: ["node": "\(name)", "pod": "\(orphan.namespace)/\(orphan.name)"])
        }
        // The status manager forgets the pods the kubelet no longer runs (deleted, or gone in a reboot).
        record.withLock { record in
            for uid in record.postedStatuses.keys where record.pods[uid] == nil { record.postedStatuses[uid] = nil }
        }
    }

    private func sync(_ pod: Pod) async {
        guard let uid = pod.uid else { return }
        if pod.metadata.deletionTimestamp != nil {
            await finishDeletion(pod, uid: uid)
            return
        }
        if pod.status?.phase == "Succeeded" || pod.status?.phase == "Failed" { return }
        let (running, ready, posted) = record.withLock { record in
            (record.pods[uid], record.pods[uid].map(record.isReady) ?? false, record.postedStatuses[uid])
        }
        if let running {
            // As the kubelet's status manager: a write when the kubelet's own status of the pod is
            // not the one it last wrote (changed, or never written). What someone else changed on
            // the API server is the periodic reconcile's (SimulatedNode+StatusReconcile).
            if posted != KubeletPodStatus(running: running, ready: ready) {
                await postStatus(of: pod, running, ready: ready)
            }
            return
        }
        await start(pod, uid: uid)
    }

    private func start(_ pod: Pod, uid: String) async {
        let isDriverPod = pod.metadata.labels?[ClusterContext.driverPodNodeLabel] == name
        let volumes: [(PublishedVolume, Csi_V1_VolumeCapability, [String: String])]
        do {
            guard let resolved = try await resolveVolumes(of: pod, uid: uid) else { return }
            volumes = resolved
            for (volume, capability, publishContext) in volumes {
                guard let client = csi[volume.family] else { continue }
                if let staging = volume.stagingPath {
                    try await client.nodeStage(volumeID: volume.handle, stagingTargetPath: staging,
                                               publishContext: publishContext, capability: capability)
                }
                try await client.nodePublish(volumeID: volume.handle, targetPath: volume.targetPath,
                                             stagingTargetPath: volume.stagingPath ?? "", publishContext: publishContext,
                                             capability: capability)
            }
        } catch {
            logger.debug("pod not started yet", metadata: ["node": "\(name)", "pod": "\(pod.key)", "error": "\(error)"])
            return
        }
        let running = record.withLock { record in
            let podIP = isDriverPod ? internalIP : "127.1.\(nodeOctet).\(record.nextPodAddress)"
            if !isDriverPod { record.nextPodAddress = record.nextPodAddress % 250 + 1 }
            let containers = (pod.spec?.containers ?? []).map {
                RunningContainer(name: $0.name, image: $0.image ?? "", id: "containerd://\(Self.randomHex(64))")
            }
            let running = RunningPod(uid: uid, namespace: pod.namespace ?? "", name: pod.name, containers: containers,
                                     volumes: volumes.map(\.0), podIP: podIP, startedAt: Date(), isDriverPod: isDriverPod)
            record.pods[uid] = running
            return running
        }
        logger.info("pod started", metadata: ["node": "\(name)", "pod": "\(pod.key)", "volumes": "\(volumes.count)"])
        let ready = record.withLock { $0.isReady(running) }
        await postStatus(of: pod, running, ready: ready)
    }

    /// The pod's CSI volumes of simulated families, with what NodeStage/NodePublish need; nil while
    /// a claim is unbound or an attachment not yet attached (the kubelet waits).
    private func resolveVolumes(of pod: Pod, uid: String) async throws
        -> [(PublishedVolume, Csi_V1_VolumeCapability, [String: String])]?
    {
        var result: [(PublishedVolume, Csi_V1_VolumeCapability, [String: String])] = []
        for claim in pod.claimNames {
            let pvc = try await context.client.get(PersistentVolumeClaim.self, name: claim, namespace: pod.namespace)
            guard pvc.status?.phase == "Bound", let pvName = pvc.spec?.volumeName, !pvName.isEmpty else { return nil }
            let pv = try await context.client.get(PersistentVolume.self, name: pvName)
            guard let source = pv.spec?.csi, let family = context.family(driver: source.driver),
                  let backend = context.backends[family] else { continue }
            let attachment = context.attachments.list().first {
                $0.spec?.nodeName == name && $0.spec?.source.persistentVolumeName == pvName && $0.spec?.attacher == source.driver
            }
            guard let attachment, attachment.metadata.deletionTimestamp == nil, attachment.status?.attached == true else { return nil }
            let plan = backend.family.cleanupPlan(for: VolumeOnNode(podUID: uid, pvName: pvName,
                                                                    volumeHandle: source.volumeHandle, isBlock: pv.isBlock))
            let volume = PublishedVolume(family: family, driver: source.driver, pvName: pvName, handle: source.volumeHandle,
                                         targetPath: plan.targetPath, stagingPath: plan.stagingPaths.first, isBlock: pv.isBlock)
            result.append((volume, pv.csiCapability, attachment.status?.attachmentMetadata ?? [:]))
        }
        return result
    }

    /// A graceful deletion on a healthy node: stop the containers, unpublish and unstage, then
    /// delete the pod for good (grace 0, this uid only).
    private func finishDeletion(_ pod: Pod, uid: String) async {
        if let running = record.withLock({ $0.pods[uid] }) {
            guard await tearDown(running.volumes) else { return }
            _ = record.withLock { $0.pods.removeValue(forKey: uid) }
        }
        do {
            try await context.client.delete(Pod.self, name: pod.name, namespace: pod.namespace,
                                            options: DeleteOptions(gracePeriodSeconds: 0, preconditionUID: uid))
            logger.info("pod deletion finished", metadata: ["node": "\(name)", "pod": "\(pod.key)"])
        } catch let error as KubeError where error.isNotFound || error.isConflict {
            return
        } catch {
            logger.debug("pod delete failed", metadata: ["node": "\(name)", "pod": "\(pod.key)", "error": "\(error)"])
        }
    }

    /// NodeUnpublish then NodeUnstage of every volume; false when one failed (retried next sync).
    func tearDown(_ volumes: [PublishedVolume]) async -> Bool {
        for volume in volumes {
            guard let client = csi[volume.family] else { continue }
            do {
                try await client.nodeUnpublish(volumeID: volume.handle, targetPath: volume.targetPath)
                if let staging = volume.stagingPath {
                    try await client.nodeUnstage(volumeID: volume.handle, stagingTargetPath: staging)
                }
            } catch {
                logger.debug("volume teardown failed", metadata: ["node": "\(name)", "volume": "\(volume.handle)", "error": "\(error)"])
                return false
            }
        }
        return true
    }

    var nodeOctet: Int { Int(internalIP.split(separator: ".").last ?? "1") ?? 1 }

    static func randomHex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
    }
}
