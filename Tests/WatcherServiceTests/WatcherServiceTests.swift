import Bus
import Contracts
import Foundation
import Kube
import ServiceKit
import Synchronization
import Testing
import WatcherService

@Suite("watcher against the real control plane and a real nats-server", .serialized, .timeLimit(.minutes(5)))
struct WatcherServiceTests {
    @Test("initial sync, volumes resolved, unlabelled pods ignored, updates propagate, deletion is final across a restart")
    func mirrorsAndFollows() async throws {
        let bed = try await WatcherBed.start("watch")
        do {
            let node = try await bed.createNode("a")
            try await bed.createDriverPod("vxflexos-node-a", node: node, ready: true)
            let (pv, va) = try await bed.createVolume(claim: "data-pg-0", node: node)
            try await bed.createPod("pg-0", node: node, claims: ["data-pg-0"])
            try await bed.createPod("plain", node: node, protected: false)

            let published = Mutex<[Podguard_V1_PodState]>([])
            let subscription = try bed.admin.subscribe(to: bed.topology.subjects.podStates(namespace: bed.namespace),
                                                       as: Podguard_V1_PodState.self)
            let collector = Task {
                for await message in subscription { published.withLock { $0.append(message.payload) } }
            }
            defer {
                subscription.unsubscribe()
                collector.cancel()
            }

            let watcher = try await bed.startWatcher("w-a")
            try await eventually("pg-0 mirrored with its bound, attached volume") {
                guard let state = try await bed.podState("pg-0"), let volume = state.volumes.first else { return false }
                return volume.bound && volume.attached
            }
            let pod = try #require(try await bed.podState("pg-0"))
            #expect(pod.nodeName == node && pod.ready == .true && pod.phase == "Running" && pod.protectionLabelValue == bed.id)
            #expect(pod.header.producerID == "watcher/w-a")
            let volume = try #require(pod.volumes.first)
            #expect(volume.pvcName == "data-pg-0" && volume.pvName == pv && volume.volumeAttachmentName == va)
            #expect(volume.driver == "csi-vxflexos.dellemc.com" && volume.family == .powerflex)
            #expect(volume.volumeHandle == "14dbbf5617523654-d0f055a700000001" && volume.arrayIds == ["14dbbf5617523654"])
            #expect(volume.accessModes == ["ReadWriteOnce"])
            #expect(pod.containers.map(\.containerID) == ["containerd://pg-0"])
            #expect(watcher.readiness.isReady)

            try await eventually("node with its driver pod") { try await bed.nodeState(node)?.driverPods.first?.ready == .true }
            let nodeState = try #require(try await bed.nodeState(node))
            #expect(nodeState.ready == .true && nodeState.bootID == "boot-a" && nodeState.internalIp == "10.9.0.1")
            #expect(nodeState.csiNodeIds == ["csi-vxflexos.dellemc.com": "9E56672F-0001"])
            #expect(nodeState.driverPods.map(\.driver) == ["csi-vxflexos.dellemc.com"])
            #expect(nodeState.labels["kubernetes.io/hostname"] == node)
            #expect(try await bed.podState("plain") == nil)
            try await eventually("the snapshot on the core subject too") { published.withLock { $0.contains { $0.name == "pg-0" } } }

            // Updates: a taint on the node, the pod turning not Ready, the driver pod going down.
            _ = try await bed.client.update(Node.self, name: node) { node in
                var spec = node.spec ?? NodeSpec()
                spec.taints = (spec.taints ?? []) + [Taint(key: "vxflexos.podmon.storage.dell.com", effect: "NoSchedule")]
                node.spec = spec
            }
            try await eventually("taint mirrored") {
                try await bed.nodeState(node)?.taints.contains { $0.key == "vxflexos.podmon.storage.dell.com" && $0.effect == .noSchedule } == true
            }
            try await bed.setPodReady("pg-0", false)
            try await eventually("pod not Ready mirrored") { try await bed.podState("pg-0")?.ready == .false }
            try await bed.setPodReady("vxflexos-node-a", false)
            try await eventually("driver pod not Ready mirrored") { try await bed.nodeState(node)?.driverPods.first?.ready == .false }
            // A detach re-projects the pod through PV → claim → pod.
            _ = try await bed.client.update(VolumeAttachment.self, name: va, subresource: "status") { $0.status?.attached = false }
            try await eventually("detach mirrored") { try await bed.podState("pg-0")?.volumes.first?.attached == false }

            // Deletion removes the key, and neither a restart nor a re-created namesake brings the old one back.
            let oldUID = try #require(try await bed.podState("pg-0")).uid
            try await bed.deletePod("pg-0")
            try await eventually("pg-0 key deleted") { try await bed.podState("pg-0") == nil }
            let oldSnapshots = published.withLock { $0.filter { $0.uid == oldUID }.count }
            await watcher.stop()
            #expect(try await bed.podState("pg-0") == nil)

            let restarted = try await bed.startWatcher("w-b")
            try await bed.createPod("pg-1", node: node)
            try await eventually("the restarted watcher publishes") { try await bed.podState("pg-1")?.header.producerID == "watcher/w-b" }
            #expect(try await bed.podState("pg-0") == nil)
            // Nothing of the deleted pod was published again, on the subject either.
            #expect(published.withLock { $0.filter { $0.uid == oldUID }.count } == oldSnapshots)

            try await bed.createPod("pg-0", node: node)
            try await eventually("a new pg-0 (new uid) is mirrored") {
                guard let state = try await bed.podState("pg-0") else { return false }
                return state.uid != oldUID
            }
            await restarted.stop()
        } catch {
            await bed.tearDown()
            throw error
        }
        await bed.tearDown()
    }

    @Test("two replicas: only the leader publishes; the standby takes over when the leader stops")
    func leaderElection() async throws {
        let bed = try await WatcherBed.start("leader")
        do {
            let node = try await bed.createNode("a")
            try await bed.createPod("pg-0", node: node)

            let producers = Mutex<[String]>([])
            let subscription = try bed.admin.subscribe(to: bed.topology.subjects.allPodStates, as: Podguard_V1_PodState.self)
            let collector = Task {
                for await message in subscription {
                    let state = message.payload
                    guard state.namespace == bed.namespace else { continue }
                    producers.withLock { $0.append(state.header.producerID) }
                }
            }
            defer {
                subscription.unsubscribe()
                collector.cancel()
            }

            let first = try await bed.startWatcher("w-1")
            try await eventually("w-1 leads and publishes") { try await bed.podState("pg-0")?.header.producerID == "watcher/w-1" }
            let second = try await bed.startWatcher("w-2")
            try await eventually("the standby's caches are warm") { second.readiness.isReady }
            #expect(try await bed.leaseHolder() == "w-1")

            try await bed.setPodReady("pg-0", false)
            try await eventually("the leader publishes the change") { try await bed.podState("pg-0")?.ready == .false }
            #expect(try await bed.podState("pg-0")?.header.producerID == "watcher/w-1")
            #expect(producers.withLock { $0.allSatisfy { $0 == "watcher/w-1" } })

            await first.stop()
            try await eventually("w-2 takes the lease") { try await bed.leaseHolder() == "w-2" }
            try await bed.setPodReady("pg-0", true)
            try await eventually("the new leader publishes") {
                guard let state = try await bed.podState("pg-0") else { return false }
                return state.ready == .true && state.header.producerID == "watcher/w-2"
            }
            await second.stop()
        } catch {
            await bed.tearDown()
            throw error
        }
        await bed.tearDown()
    }

    @Test("a restart reconciles stale buckets: keys of objects deleted while down, foreign and undecodable keys go")
    func reconcilesStaleBuckets() async throws {
        let bed = try await WatcherBed.start("stale")
        do {
            let keep = try await bed.createNode("keep")
            let gone = try await bed.createNode("gone")
            try await bed.createPod("pg-0", node: keep)
            try await bed.createPod("pg-1", node: keep)

            let watcher = try await bed.startWatcher("w-a")
            try await eventually("both pods and nodes mirrored") {
                let pods = (try await bed.podState("pg-0"), try await bed.podState("pg-1"))
                let node = try await bed.nodeState(gone)
                return pods.0 != nil && pods.1 != nil && node != nil
            }
            await watcher.stop()

            // While no watcher runs: a pod and a node are deleted, and the buckets gain stale keys.
            try await bed.deletePod("pg-1")
            try await bed.client.delete(Node.self, name: gone)
            var ghost = Podguard_V1_PodState()
            ghost.namespace = bed.namespace
            ghost.name = "ghost"
            ghost.uid = "uid-ghost"
            let ghostKey = PodguardKeys.pod(namespace: bed.namespace, name: "ghost")
            let garbageKey = PodguardKeys.pod(namespace: bed.namespace, name: "garbage")
            try await bed.podsBucket.put(ghostKey, message: ghost)
            try await bed.podsBucket.put(garbageKey, value: [0xFF, 0xFF, 0xFF])
            try await eventually("pg-1 gone from Kubernetes") {
                try await bed.client.getIfPresent(Pod.self, name: "pg-1", namespace: bed.namespace) == nil
            }

            let restarted = try await bed.startWatcher("w-b")
            try await eventually("stale keys deleted") {
                let pods = try await bed.podsBucket.keys()
                let podGone = try await bed.podState("pg-1") == nil
                let nodeGone = try await bed.nodeState(gone) == nil
                return podGone && nodeGone && !pods.contains(ghostKey) && !pods.contains(garbageKey)
            }
            #expect(try await bed.podState("pg-0") != nil)
            #expect(try await bed.nodeState(keep) != nil)
            await restarted.stop()
        } catch {
            await bed.tearDown()
            throw error
        }
        await bed.tearDown()
    }
}
