import ArrayFamily
import Bus
import BusService
import Contracts
import CSI
import CSISimulator
import FencingCore
import FencingService
import Foundation
import Kube
import SwiftProtobuf
import Synchronization
import Testing

@Suite("fencing's node taint requests against a real nats-server and the real control plane", .serialized,
       .timeLimit(.minutes(5)))
struct TaintRequestTests {
    @Test("NodeTaintRequest: re-checked against the driver pod and the prober's verdict; add and remove keep another writer's taint; forged ones refused")
    func taintRequests() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode(unreachable: false, taints: [Kube.Taint(key: "example.com/other", effect: "NoSchedule")])
            let name = node.metadata.name!
            let offline = "offline.vxflexos.storage.dell.com"
            let podguard = "vxflexos.podmon.storage.dell.com"
            func send(_ action: Podguard_V1_NodeTaintRequest.Action, _ key: String, uid: String? = nil,
                      reason: Podguard_V1_FenceReason = .driverPodOffline) async throws -> String {
                var request = Podguard_V1_NodeTaintRequest()
                request.requestID = UUID().uuidString.lowercased()
                request.nodeName = name
                request.nodeUid = uid ?? node.metadata.uid!
                request.taint.key = key
                request.taint.effect = .noSchedule
                request.action = action
                request.reason = reason
                try await bed.jetStream.publish(request, to: PodguardSubjects.standard.taintRequest(name), messageID: request.requestID)
                return request.requestID
            }
            func keys() async throws -> [String] { try await bed.node(name).taints.map(\.key) }
            func alert(_ id: String, _ reason: String) async throws {
                try await eventually("\(reason) for \(id)") { bed.alerts.withLock { $0.contains { $0.alertID == "taint.\(id)" && $0.reason == reason } } }
            }

            // The driver's node pod on the node, not Ready, as the watcher mirrors it.
            var driverPod = Pod(name: "vxflexos-node-\(name)", namespace: bed.namespace)
            driverPod.spec = PodSpec(containers: [Container(name: "driver", image: "registry.invalid/csi-vxflexos:1")], nodeName: name)
            driverPod = try await bed.kube.create(driverPod)
            var state = Podguard_V1_NodeState()
            state.name = name
            state.uid = node.metadata.uid!
            var mirrored = Podguard_V1_DriverPodState()
            mirrored.driver = "csi-vxflexos.dellemc.com"
            mirrored.family = .powerflex
            mirrored.namespace = bed.namespace
            mirrored.name = driverPod.metadata.name!
            mirrored.uid = driverPod.metadata.uid!
            state.driverPods = [mirrored]
            let nodes = try await bed.jetStream.keyValue(BusTopology.standard.nodesBucket)
            _ = try await nodes.put(PodguardKeys.node(name), message: state)

            // The node controller's mark (no kubelet reporting) is no evidence of the driver.
            try await alert(try await send(.add, offline), "TaintRequestRefused")
            #expect(try await !keys().contains(offline))
            // The kubelet reports: the node Ready, its driver pod not Ready with its reason.
            try await bed.kube.update(Node.self, name: name, subresource: "status") { node in
                node.status = NodeStatus(conditions: [NodeCondition(type: "Ready", status: "True", reason: "KubeletReady",
                                                                    lastHeartbeatTime: Date(), lastTransitionTime: Date())])
            }
            try await bed.kube.update(Pod.self, name: driverPod.metadata.name!, namespace: bed.namespace, subresource: "status") { pod in
                var status = pod.status ?? PodStatus()
                status.phase = "Running"
                status.conditions = [PodCondition(type: "Ready", status: "False", reason: "ContainersNotReady")]
                pod.status = status
            }
            try await alert(try await send(.add, offline), "TaintAdded")
            #expect(try await keys().contains(offline))
            #expect(try await keys().contains("example.com/other"))

            // Forged: the podguard taint without a LOST verdict, and its removal by request.
            let forged = try await send(.add, podguard, reason: .arrayConnectivityLoss)
            try await alert(forged, "TaintRequestRefused")
            #expect(try await !keys().contains(podguard))
            // With the prober's current LOST verdict for the node, the same request is carried out.
            var verdict = Podguard_V1_ArrayConnectivity()
            verdict.header.producedAt = .init(date: Date())
            verdict.nodeName = name
            verdict.nodeUid = node.metadata.uid!
            verdict.family = .powerflex
            verdict.verdict = .lost
            let connectivity = try await bed.jetStream.keyValue(BusTopology.standard.connectivityBucket)
            _ = try await connectivity.put(PodguardKeys.connectivity(family: .powerflex, node: name), message: verdict)
            try await alert(try await send(.add, podguard, reason: .arrayConnectivityLoss), "TaintAdded")
            #expect(try await keys().contains(podguard))
            try await alert(try await send(.remove, podguard, reason: .arrayConnectivityLoss), "TaintRequestRefused")
            #expect(try await keys().contains(podguard))

            let ignored = try await send(.remove, offline, uid: "another-uid")
            try await alert(ignored, "TaintRequestIgnored")
            #expect(try await keys().contains(offline))

            // The driver pod is Ready again: the offline taint goes, and a forged re-add is refused.
            try await bed.kube.update(Pod.self, name: driverPod.metadata.name!, namespace: bed.namespace, subresource: "status") { pod in
                var status = pod.status ?? PodStatus()
                status.phase = "Running"
                status.conditions = [PodCondition(type: "Ready", status: "True")]
                pod.status = status
            }
            try await alert(try await send(.remove, offline), "TaintRemoved")
            #expect(try await !keys().contains(offline))
            #expect(try await keys().contains("example.com/other"))
            try await alert(try await send(.add, offline), "TaintRequestRefused")
            #expect(try await !keys().contains(offline))
            try? await bed.kube.delete(Node.self, name: name)
        }
    }
}
