import Contracts
import FamilyCatalog
import Foundation
import Kube
import SwiftProtobuf
import Testing
import WatcherService

@Suite("state projector (pure)")
struct StateProjectorTests {
    let projector = StateProjector(producerID: "watcher/test", version: "0.1.0")

    @Test("node: identity, Ready, taints, addresses, CSI node ids, copied labels, driver pods of listed namespaces only")
    func node() throws {
        let node = Fixture.node("w1", taints: [Taint(key: "node.kubernetes.io/unreachable", effect: "NoExecute"),
                                               Taint(key: "vxflexos.podmon.storage.dell.com", value: "", effect: "NoSchedule")],
                                nodeIDs: #"{"csi-vxflexos.dellemc.com":"9E56672F-1","csi-isilon.dellemc.com":"w1=#=#=w1.example=#=#=10.0.0.1"}"#,
                                labels: ["kubernetes.io/hostname": "w1", "topology.kubernetes.io/zone": "z1", "other": "x"], rv: "42")
        let cluster = ClusterSnapshot(driverPods: [
            Fixture.driverPod("vxflexos-node-a", node: "w1", ready: "False"),
            Fixture.driverPod("isilon-node-a", namespace: "isilon", node: "w1", ready: "True"),
            Fixture.driverPod("stray", namespace: "elsewhere", node: "w1", ready: "True"),
            Fixture.driverPod("vxflexos-node-b", node: "w2", ready: "True"),
        ])
        let state = projector.nodeState(node, in: cluster, now: Fixture.time)
        #expect(state.name == "w1" && state.uid == "uid-w1" && state.bootID == "boot-1" && state.resourceVersion == "42")
        #expect(state.ready == .true && state.readyReason == "KubeletReady")
        #expect(state.readyLastTransition.seconds == Int64(Fixture.time.timeIntervalSince1970))
        #expect(state.taints.map(\.key) == ["node.kubernetes.io/unreachable", "vxflexos.podmon.storage.dell.com"])
        #expect(state.taints.map(\.effect) == [.noExecute, .noSchedule])
        #expect(state.internalIp == "10.0.0.1")
        #expect(state.csiNodeIds == ["csi-vxflexos.dellemc.com": "9E56672F-1", "csi-isilon.dellemc.com": "w1=#=#=w1.example=#=#=10.0.0.1"])
        #expect(state.labels == ["kubernetes.io/hostname": "w1", "topology.kubernetes.io/zone": "z1"])
        #expect(state.driverPods.map(\.name) == ["isilon-node-a", "vxflexos-node-a"])
        #expect(state.driverPods.map(\.driver) == ["csi-isilon.dellemc.com", "csi-vxflexos.dellemc.com"])
        #expect(state.driverPods.map(\.family) == [.powerscale, .powerflex])
        #expect(state.driverPods.map(\.ready) == [.true, .false])
        #expect(state.header.producerID == "watcher/test" && state.header.producerVersion == "0.1.0")
    }

    @Test("node conditions: True, False, Unknown, absent", arguments: [
        ("True", Podguard_V1_ConditionStatus.true), ("False", .false), ("Unknown", .unknown), (nil, .unknown),
    ] as [(String?, Podguard_V1_ConditionStatus)])
    func nodeReady(status: String?, expected: Podguard_V1_ConditionStatus) {
        #expect(projector.nodeState(Fixture.node("w1", ready: status), in: ClusterSnapshot(), now: Fixture.time).ready == expected)
    }

    @Test("a node-id annotation that is not a JSON map of strings gives no ids")
    func badNodeIDs() {
        for text in ["not json", "[1,2]", #"{"a": 1}"#] {
            #expect(projector.nodeState(Fixture.node("w1", nodeIDs: text), in: ClusterSnapshot(), now: Fixture.time).csiNodeIds.isEmpty)
        }
    }

    struct VolumeCase: Sendable, CustomStringConvertible {
        var description: String
        var cluster: ClusterSnapshot
        var expect: @Sendable (Podguard_V1_VolumeState) -> Bool
    }

    static let volumeCases: [VolumeCase] = [
        VolumeCase(description: "claim missing: names only", cluster: ClusterSnapshot()) {
            $0.pvcName == "data" && $0.pvName.isEmpty && !$0.bound && $0.driver.isEmpty && $0.family == .unspecified
        },
        VolumeCase(description: "claim pending, not bound", cluster: ClusterSnapshot(claims: [Fixture.claim("data", volume: nil, phase: "Pending")])) {
            $0.pvName.isEmpty && !$0.bound && $0.accessModes == ["ReadWriteOnce"]
        },
        VolumeCase(description: "bound PowerFlex volume attached on the pod's node",
                   cluster: ClusterSnapshot(claims: [Fixture.claim("data", volume: "pv-1")], volumes: [Fixture.volume("pv-1")],
                                            attachments: [Fixture.attachment("va-other", volume: "pv-1", node: "w2", attached: true),
                                                          Fixture.attachment("va-1", volume: "pv-1", node: "w1", attached: true)])) {
            $0.pvName == "pv-1" && $0.bound && $0.driver == "csi-vxflexos.dellemc.com" && $0.family == .powerflex
                && $0.volumeHandle == "14dbbf5617523654-3456" && $0.arrayIds == ["14dbbf5617523654"]
                && $0.volumeAttachmentName == "va-1" && $0.attached && !$0.block
        },
        VolumeCase(description: "PowerStore metro block RWX volume, attachment not attached yet",
                   cluster: ClusterSnapshot(claims: [Fixture.claim("data", volume: "pv-2")],
                                            volumes: [Fixture.volume("pv-2", driver: "csi-powerstore.dellemc.com",
                                                                     handle: "39bb1b5f-5624-490d-9ece-18f7b28a904e/PS1/scsi:9f8e7d6c-1111-2222-3333-444455556666/PS2",
                                                                     modes: ["ReadWriteMany"], mode: "Block")],
                                            attachments: [Fixture.attachment("va-2", volume: "pv-2", node: "w1", attached: false)])) {
            $0.family == .powerstore && $0.arrayIds == ["PS1", "PS2"] && $0.block && $0.accessModes == ["ReadWriteMany"]
                && $0.volumeAttachmentName == "va-2" && !$0.attached
        },
        VolumeCase(description: "an unknown CSI driver is generic, its handle names no array",
                   cluster: ClusterSnapshot(claims: [Fixture.claim("data", volume: "pv-3")],
                                            volumes: [Fixture.volume("pv-3", driver: "ebs.csi.aws.com", handle: "vol-0abc")])) {
            $0.family == .generic && $0.driver == "ebs.csi.aws.com" && $0.arrayIds.isEmpty && $0.volumeAttachmentName.isEmpty
        },
        VolumeCase(description: "a bound claim whose PV is not cached yet",
                   cluster: ClusterSnapshot(claims: [Fixture.claim("data", volume: "pv-4")])) {
            $0.pvName == "pv-4" && $0.bound && $0.driver.isEmpty
        },
    ]

    @Test("volumes: pod volume → PVC → PV → VolumeAttachment on the pod's node", arguments: volumeCases)
    func volumes(_ volumeCase: VolumeCase) throws {
        let state = projector.podState(Fixture.pod("pg-0", claims: ["data"]), in: volumeCase.cluster, now: Fixture.time)
        let volume = try #require(state.volumes.first)
        #expect(state.volumes.count == 1)
        #expect(volume.podVolumeName == "vol-data")
        #expect(volumeCase.expect(volume), "\(volume)")
    }

    @Test("generic drivers can be limited: other drivers are then UNSPECIFIED")
    func limitedGeneric() {
        let projector = StateProjector(families: FamilyRegistry(genericDrivers: ["nfs.csi.k8s.io"]), producerID: "watcher/test", version: "0")
        let cluster = ClusterSnapshot(claims: [Fixture.claim("a", volume: "pv-a"), Fixture.claim("b", volume: "pv-b")],
                                      volumes: [Fixture.volume("pv-a", driver: "nfs.csi.k8s.io", handle: "x"),
                                                Fixture.volume("pv-b", driver: "ebs.csi.aws.com", handle: "y")])
        let state = projector.podState(Fixture.pod("p", claims: ["a", "b"]), in: cluster, now: Fixture.time)
        #expect(state.volumes.map(\.family) == [.generic, .unspecified])
    }

    @Test("pod: identity, readiness, containers (init first), CrashLoopBackOff, owner, label value, deletion")
    func pod() {
        var pod = Fixture.pod("pg-0", ready: "False", containers: [
            ContainerStatus(name: "db", ready: false, restartCount: 7, containerID: "containerd://abc",
                            state: ContainerState(waiting: ContainerStateWaiting(reason: "CrashLoopBackOff"))),
            ContainerStatus(name: "sidecar", ready: true, containerID: "containerd://def",
                            state: ContainerState(running: ContainerStateRunning(startedAt: Fixture.time))),
        ])
        pod.status?.initContainerStatuses = [ContainerStatus(name: "init", ready: false, containerID: "containerd://000",
                                                             state: ContainerState(terminated: ContainerStateTerminated(exitCode: 0, reason: "Completed")))]
        pod.metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "ConfigMap", name: "not-controller", uid: "x"),
                                        OwnerReference(apiVersion: "apps/v1", kind: "StatefulSet", name: "pg", uid: "y", controller: true)]
        pod.metadata.deletionTimestamp = Fixture.time
        pod.metadata.deletionGracePeriodSeconds = 0
        let state = projector.podState(pod, in: ClusterSnapshot(), now: Fixture.time)
        #expect(state.namespace == "db" && state.name == "pg-0" && state.uid == "uid-pg-0" && state.nodeName == "w1")
        #expect(state.phase == "Running" && state.ready == .false && state.hostIp == "10.0.0.1" && state.podIp == "10.1.0.5")
        #expect(state.containers.map(\.name) == ["init", "db", "sidecar"])
        #expect(state.containers.map(\.initContainer) == [true, false, false])
        #expect(state.containers.map(\.status) == [.terminated, .waiting, .running])
        #expect(state.containers[0].terminatedReason == "Completed" && state.containers[1].restartCount == 7)
        #expect(state.containers[1].containerID == "containerd://abc")
        #expect(state.crashLoopBackOff)
        #expect(state.ownerKind == "StatefulSet" && state.ownerName == "pg")
        #expect(state.protectionLabelValue == "csi-vxflexos")
        #expect(state.hasDeletionTimestamp && state.hasDeletionGracePeriodSeconds && state.deletionGracePeriodSeconds == 0)

        let alive = projector.podState(Fixture.pod("pg-1"), in: ClusterSnapshot(), now: Fixture.time)
        #expect(!alive.hasDeletionTimestamp && !alive.hasDeletionGracePeriodSeconds && !alive.crashLoopBackOff)
        let unscheduled = projector.podState(Fixture.pod("pg-2", node: nil, ready: nil), in: ClusterSnapshot(), now: Fixture.time)
        #expect(unscheduled.nodeName.isEmpty && unscheduled.ready == .unknown)
    }

    @Test("affinity group: hostname terms only, matchLabels plus In values (last wins)", arguments: [
        (Affinity(podAffinity: .init(required: [
            .init(topologyKey: "kubernetes.io/hostname", labelSelector: .init(matchLabels: ["app": "db"], matchExpressions: [
                .init(key: "tier", operator: "In", values: ["a", "b"]), .init(key: "skip", operator: "NotIn", values: ["x"]),
            ])),
            .init(topologyKey: "topology.kubernetes.io/zone", labelSelector: .init(matchLabels: ["zone": "ignored"])),
        ])), ["app": "db", "tier": "b"]),
        (Affinity(), [:]),
        (nil, [:]),
    ] as [(Affinity?, [String: String])])
    func affinity(affinity: Affinity?, expected: [String: String]) {
        var pod = Fixture.pod("pg-0")
        pod.spec?.affinity = affinity
        #expect(projector.podState(pod, in: ClusterSnapshot(), now: Fixture.time).affinityLabels == expected)
    }

    @Test("content ignores header and observation time only")
    func content() {
        let early = projector.podState(Fixture.pod("pg-0"), in: ClusterSnapshot(), now: Fixture.time)
        let late = projector.podState(Fixture.pod("pg-0"), in: ClusterSnapshot(), now: Fixture.time.addingTimeInterval(60))
        #expect(early != late)
        #expect(early.content == late.content)
        let changed = projector.podState(Fixture.pod("pg-0", rv: "2"), in: ClusterSnapshot(), now: Fixture.time)
        #expect(early.content != changed.content)
    }

    @Test("the decoded pod keeps neither raw JSON nor annotations")
    func slimDecoding() throws {
        let json = #"{"metadata":{"name":"p","namespace":"n","uid":"u","resourceVersion":"5","annotations":{"big":"x"},"labels":{"a":"b"}},"spec":{"nodeName":"w1","containers":[{"name":"c","image":"i"}]},"status":{"phase":"Running"}}"#
        let pod = try WatchedPod.fromWire(data: Array(json.utf8))
        #expect(pod.preserved == nil)
        #expect(pod.metadata.annotations == nil && pod.metadata.labels == ["a": "b"] && pod.nodeName == "w1")
        let nodeJSON = #"{"metadata":{"name":"w1","annotations":{"csi.volume.kubernetes.io/nodeid":"{\"d\":\"id\"}","other":"x"}},"status":{"images":[{"names":["a"]}],"nodeInfo":{"bootID":"b1","machineID":"m"}}}"#
        let node = try WatchedNode.fromWire(data: Array(nodeJSON.utf8))
        #expect(node.preserved == nil && node.csiNodeIDs == ["d": "id"] && node.metadata.annotations?.count == 1)
        #expect(node.status?.nodeInfo?.bootID == "b1")
    }
}
