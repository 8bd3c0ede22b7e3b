import Contracts
import DecisionCore
import DecisionService
import FamilyCatalog
import Foundation
import Policy
import SwiftProtobuf
import Synchronization

/// Builders of the states watcher and array-prober would publish.
enum Fixture {
    static let flexDriver = "csi-vxflexos.dellemc.com"

    static func node(_ name: String, taints: [(String, Podguard_V1_TaintEffect)] = [], rv: String = "1",
                     driverPodReady: Podguard_V1_ConditionStatus? = nil) -> Podguard_V1_NodeState {
        var node = Podguard_V1_NodeState()
        node.name = name
        node.uid = "uid-\(name)"
        node.ready = taints.isEmpty ? .true : .unknown
        node.resourceVersion = rv
        node.csiNodeIds = [flexDriver: "sdc-\(name)"]
        node.taints = taints.map { key, effect in
            var taint = Podguard_V1_Taint()
            taint.key = key
            taint.effect = effect
            return taint
        }
        if let driverPodReady {
            var driverPod = Podguard_V1_DriverPodState()
            driverPod.driver = flexDriver
            driverPod.namespace = "vxflexos"
            driverPod.name = "vxflexos-node-\(name)"
            driverPod.ready = driverPodReady
            // A kubelet reporting its pod not Ready gives a reason.
            if driverPodReady == .false { driverPod.readyReason = "ContainersNotReady" }
            node.driverPods = [driverPod]
        }
        return node
    }

    static func pod(_ name: String, node: String, ready: Podguard_V1_ConditionStatus = .false, rv: String = "1",
                    affinity: [String: String] = [:], crashLoop: Bool = false) -> Podguard_V1_PodState {
        var pod = Podguard_V1_PodState()
        pod.namespace = "db"
        pod.name = name
        pod.uid = "uid-\(name)"
        pod.nodeName = node
        pod.ready = ready
        pod.resourceVersion = rv
        pod.affinityLabels = affinity
        pod.crashLoopBackOff = crashLoop
        var volume = Podguard_V1_VolumeState()
        volume.pvName = "pv-\(name)"
        volume.pvcName = "data-\(name)"
        volume.driver = flexDriver
        volume.family = .powerflex
        volume.volumeHandle = "7b2f0c5e00000001-\(name)"
        volume.arrayIds = ["7b2f0c5e00000001"]
        volume.accessModes = ["ReadWriteOnce"]
        volume.bound = true
        pod.volumes = [volume]
        return pod
    }

    static func connectivity(node: String, _ verdict: Podguard_V1_ConnectivityVerdict) -> Podguard_V1_ArrayConnectivity {
        var message = Podguard_V1_ArrayConnectivity()
        message.nodeName = node
        message.nodeUid = "uid-\(node)"
        message.family = .powerflex
        message.verdict = verdict
        // Produced when the engine tests decide (DecisionEngineTests.now): a current verdict.
        message.header.producedAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: 1_800_000_000))
        return message
    }

    static func podKey(_ name: String) -> String { PodguardKeys.pod(namespace: "db", name: name) }

    static func engine(_ configuration: PolicyConfiguration = PolicyConfiguration()) -> DecisionEngine {
        let counter = Atomic<Int>(0)
        return DecisionEngine(configuration: configuration, taintKeys: ArrayFamilyCatalog.dellTaintKeys, producerID: "decision/test",
                              version: "0.1.0") { "id-\(counter.wrappingAdd(1, ordering: .relaxed).newValue)" }
    }
}
