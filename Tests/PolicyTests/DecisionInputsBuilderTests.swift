import Contracts
import Policy
import Testing

@Suite("decision inputs from mirrored state")
struct DecisionInputsBuilderTests {
    static let keys = TaintKeys(
        podguard: ["csi-vxflexos.dellemc.com": "vxflexos.podmon.storage.dell.com", "csi-unity.dellemc.com": "unity.podmon.storage.dell.com"],
        driverOffline: ["csi-vxflexos.dellemc.com": "offline.vxflexos.storage.dell.com"])
    static let builder = DecisionInputsBuilder(taintKeys: keys)
    static let noFences = DecisionInputsBuilder.FenceCounts(inProgress: 0, nodes: [], nodesTotal: 9)

    static func volume(_ family: Podguard_V1_ArrayFamily, driver: String, arrays: [String], bound: Bool = true,
                       modes: [String] = ["ReadWriteOnce"]) -> Podguard_V1_VolumeState {
        var volume = Podguard_V1_VolumeState()
        volume.family = family
        volume.driver = driver
        volume.arrayIds = arrays
        volume.bound = bound
        volume.accessModes = modes
        volume.volumeHandle = "handle-\(arrays.joined())"
        return volume
    }

    static func pod(_ volumes: [Podguard_V1_VolumeState]) -> Podguard_V1_PodState {
        var pod = Podguard_V1_PodState()
        pod.namespace = "db"
        pod.name = "pg-0"
        pod.uid = "uid-1"
        pod.nodeName = "worker-1"
        pod.ready = .false
        pod.volumes = volumes
        return pod
    }

    static func node(taints: [(String, Podguard_V1_TaintEffect)] = [], driverPodReady: Podguard_V1_ConditionStatus? = .true) -> Podguard_V1_NodeState {
        var node = Podguard_V1_NodeState()
        node.name = "worker-1"
        node.uid = "node-uid"
        node.csiNodeIds = ["csi-vxflexos.dellemc.com": "sdc-1", "csi-unity.dellemc.com": "worker-1,iqn"]
        node.taints = taints.map { key, effect in
            var taint = Podguard_V1_Taint()
            taint.key = key
            taint.effect = effect
            return taint
        }
        if let driverPodReady {
            var driverPod = Podguard_V1_DriverPodState()
            driverPod.driver = "csi-vxflexos.dellemc.com"
            driverPod.ready = driverPodReady
            node.driverPods = [driverPod]
        }
        return node
    }

    static func connectivity(_ family: Podguard_V1_ArrayFamily, _ verdict: Podguard_V1_ConnectivityVerdict,
                             nodeUID: String = "node-uid", io: [String] = []) -> Podguard_V1_ArrayConnectivity {
        var message = Podguard_V1_ArrayConnectivity()
        message.family = family
        message.verdict = verdict
        message.nodeUid = nodeUID
        message.arrays = io.map { array in
            var sample = Podguard_V1_ArraySample()
            sample.arrayID = array
            sample.ioInProgress = true
            return sample
        }
        return message
    }

    static let flexVolume = volume(.powerflex, driver: "csi-vxflexos.dellemc.com", arrays: ["sys-1"])
    static let unityVolume = volume(.unity, driver: "csi-unity.dellemc.com", arrays: ["apm-1"])

    @Test("taints: unreachable by effect, podguard and offline only with their own keys and NoSchedule")
    func taints() {
        let node = Self.node(taints: [("node.kubernetes.io/unreachable", .noExecute), ("vxflexos.podmon.storage.dell.com", .noSchedule),
                                      ("offline.vxflexos.storage.dell.com", .noSchedule), ("node.kubernetes.io/not-ready", .noSchedule)])
        let inputs = Self.builder.inputs(pod: Self.pod([Self.flexVolume]), node: node, connectivity: [], crashLoopDeletesSoFar: 0, fences: Self.noFences)
        #expect(inputs.nodeUnreachableNoExecute)
        #expect(!inputs.nodeUnreachableNoSchedule)
        #expect(inputs.nodePodguardTainted)
        #expect(inputs.nodeDriverOfflineTainted)
        let foreign = Self.node(taints: [("someone.else.podmon.storage.dell.com", .noSchedule), ("vxflexos.podmon.storage.dell.com", .noExecute)])
        let other = Self.builder.inputs(pod: Self.pod([Self.flexVolume]), node: foreign, connectivity: [], crashLoopDeletesSoFar: 0, fences: Self.noFences)
        #expect(!other.nodePodguardTainted)
    }

    @Test("connectivity over several families: lost wins, connected needs all, stale node uid ignored")
    func connectivity() {
        let pod = Self.pod([Self.flexVolume, Self.unityVolume])
        func verdict(_ samples: [Podguard_V1_ArrayConnectivity]) -> Podguard_V1_ConnectivityVerdict {
            Self.builder.inputs(pod: pod, node: Self.node(), connectivity: samples, crashLoopDeletesSoFar: 0, fences: Self.noFences).connectivity
        }
        #expect(verdict([Self.connectivity(.powerflex, .connected), Self.connectivity(.unity, .connected)]) == .connected)
        #expect(verdict([Self.connectivity(.powerflex, .connected)]) == .unknown)
        #expect(verdict([Self.connectivity(.powerflex, .connected), Self.connectivity(.unity, .lost)]) == .lost)
        #expect(verdict([Self.connectivity(.powerflex, .lost, nodeUID: "old-node-uid"), Self.connectivity(.unity, .connected)]) == .unknown)
        #expect(verdict([Self.connectivity(.powerstore, .lost), Self.connectivity(.powerflex, .connected), Self.connectivity(.unity, .connected)]) == .connected)
    }

    @Test("I/O counts only on the pod's arrays; RWX, bound volumes, node ids and driver pods")
    func volumesAndDrivers() {
        let unbound = Self.volume(.powerflex, driver: "csi-vxflexos.dellemc.com", arrays: ["sys-9"], bound: false)
        let rwx = Self.volume(.powerflex, driver: "csi-vxflexos.dellemc.com", arrays: ["sys-2"], modes: ["ReadWriteMany"])
        let pod = Self.pod([Self.flexVolume, unbound, rwx])
        let otherArrayIO = Self.builder.inputs(pod: pod, node: Self.node(), connectivity: [Self.connectivity(.powerflex, .connected, io: ["sys-7"])],
                                               crashLoopDeletesSoFar: 2, fences: Self.noFences)
        #expect(!otherArrayIO.ioInProgress)
        #expect(otherArrayIO.volumeCount == 2)
        #expect(otherArrayIO.readWriteMany)
        #expect(otherArrayIO.csiNodeIdsKnown)
        #expect(otherArrayIO.driverPodReady == .true)
        #expect(otherArrayIO.crashLoopDeletesSoFar == 2)
        #expect(otherArrayIO.families == [.powerflex])
        let ownArrayIO = Self.builder.inputs(pod: pod, node: Self.node(driverPodReady: .false),
                                             connectivity: [Self.connectivity(.powerflex, .connected, io: ["sys-1"])],
                                             crashLoopDeletesSoFar: 0, fences: Self.noFences)
        #expect(ownArrayIO.ioInProgress)
        #expect(ownArrayIO.driverPodReady == .false)
        var missingID = Self.node(driverPodReady: nil)
        missingID.csiNodeIds = [:]
        let noIDs = Self.builder.inputs(pod: pod, node: missingID, connectivity: [], crashLoopDeletesSoFar: 0, fences: Self.noFences)
        #expect(!noIDs.csiNodeIdsKnown)
        #expect(noIDs.driverPodReady == .unknown)
        let noNode = Self.builder.inputs(pod: pod, node: nil, connectivity: [], crashLoopDeletesSoFar: 0, fences: Self.noFences)
        #expect(noNode.nodeReady == .unknown)
        #expect(noNode.connectivity == .unknown)
    }

    @Test("storm counts include the pod's own node once")
    func fenceCounts() {
        let counts = DecisionInputsBuilder.FenceCounts(inProgress: 7, nodes: ["worker-1", "worker-2"], nodesTotal: 9)
        let inputs = Self.builder.inputs(pod: Self.pod([Self.flexVolume]), node: Self.node(), connectivity: [], crashLoopDeletesSoFar: 0, fences: counts)
        #expect(inputs.fencesInProgress == 7)
        #expect(inputs.nodesFenced == 2)
        #expect(inputs.nodesTotal == 9)
        let elsewhere = DecisionInputsBuilder.FenceCounts(inProgress: 1, nodes: ["worker-5"], nodesTotal: 9)
        #expect(Self.builder.inputs(pod: Self.pod([Self.flexVolume]), node: Self.node(), connectivity: [], crashLoopDeletesSoFar: 0,
                                    fences: elsewhere).nodesFenced == 2)
    }
}
