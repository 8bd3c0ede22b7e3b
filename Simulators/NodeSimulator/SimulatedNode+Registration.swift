import ArrayFamily
import CSISimulator
import Foundation
import Kube
import Synchronization

/// What a kubelet does when it starts: registers its Node (with the CSI node ids the plugins
/// reported), its CSINode and its Lease, and the driver node pods of the simulated DaemonSets.
extension SimulatedNode {
    static let nodeIDAnnotation = "csi.volume.kubernetes.io/nodeid"

    var labels: [String: String] {
        [
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64",
            "topology.kubernetes.io/zone": context.configuration.zone,
            "topology.kubernetes.io/region": "podguard-sim",
            "podguard.io/simulated": "true",
        ]
    }

    var nodeIDAnnotationValue: String {
        let data = (try? JSONSerialization.data(withJSONObject: nodeIDs, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    func register() async throws {
        let client = context.client
        var node = Node(name: name)
        node.metadata.labels = labels
        node.metadata.annotations = [
            Self.nodeIDAnnotation: nodeIDAnnotationValue,
            "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            "node.alpha.kubernetes.io/ttl": "0",
        ]
        let resources = ["cpu": "8", "memory": "32Gi", "pods": "110", "ephemeral-storage": "100Gi"]
        var status = NodeStatus(conditions: conditions(ready: true, transition: Date()),
                                addresses: [NodeAddress(type: "InternalIP", address: internalIP),
                                            NodeAddress(type: "Hostname", address: name)],
                                capacity: resources, allocatable: resources)
        status.nodeInfo = systemInfo()
        node.status = status
        let created: Node
        do {
            created = try await client.create(node)
        } catch let error as KubeError where error.isAlreadyExists {
            // A node of an earlier run: take it over (labels, annotations), its status follows.
            created = try await client.patch(Node.self, name: name, patch: .merge(.object(["metadata": .object([
                "labels": .object(labels.mapValues(JSONValue.string)),
                "annotations": .object(node.metadata.annotations!.mapValues(JSONValue.string)),
            ])])))
        }
        let owner = OwnerReference(apiVersion: "v1", kind: "Node", name: name, uid: created.uid ?? "")
        try await registerCSINode(owner: owner)
        try await renewLease(owner: owner)
        try await createDriverPods()
        record.withLock { $0.registered = true }
        await heartbeat()
    }

    private func registerCSINode(owner: OwnerReference) async throws {
        var csiNode = CSINode(name: name)
        csiNode.metadata.ownerReferences = [owner]
        csiNode.spec.drivers = nodeIDs.sorted { $0.key < $1.key }.map { CSINodeDriver(name: $0.key, nodeID: $0.value) }
        do {
            _ = try await context.client.create(csiNode)
        } catch let error as KubeError where error.isAlreadyExists {
            let drivers = csiNode.spec.drivers
            try await context.client.update(CSINode.self, name: name) { $0.spec.drivers = drivers }
        }
    }

    /// The CSI driver node pods (one per family), bound here directly as a DaemonSet's would be.
    private func createDriverPods() async throws {
        for backend in context.backends.values {
            let family = backend.family
            var pod = Pod(name: "\(family.taintStem)-node-\(name)", namespace: context.configuration.driverNamespace(for: family.id))
            pod.metadata.labels = [
                "driver.dellemc.com": "dell-storage", "app": "\(family.taintStem)-node",
                ClusterContext.driverPodNodeLabel: name,
            ]
            var spec = PodSpec(containers: [Container(name: "driver", image: "dellemc/csi-\(family.taintStem):sim"),
                                            Container(name: "podmon", image: "dellemc/podmon:sim")],
                               nodeName: name)
            spec.tolerations = [Toleration(operator: "Exists")]
            pod.spec = spec
            do {
                _ = try await context.client.create(pod)
            } catch let error as KubeError where error.isAlreadyExists {
                continue
            }
        }
    }

    func conditions(ready: Bool, transition: Date?) -> [NodeCondition] {
        let now = Date()
        var ready = NodeCondition(type: "Ready", status: ready ? "True" : "False",
                                  reason: "KubeletReady", message: "kubelet is posting ready status",
                                  lastHeartbeatTime: now, lastTransitionTime: transition)
        if transition == nil { ready.lastTransitionTime = nil }
        let pressure = ["MemoryPressure", "DiskPressure", "PIDPressure"].map {
            NodeCondition(type: $0, status: "False", reason: "KubeletHas\($0 == "PIDPressure" ? "SufficientPID" : "No\($0)")",
                          lastHeartbeatTime: now, lastTransitionTime: transition)
        }
        return [ready] + pressure
    }

    func systemInfo() -> NodeSystemInfo {
        var info = NodeSystemInfo(bootID: record.withLock { $0.bootID })
        info.machineID = "podguardsim\(name)".padding(toLength: 32, withPad: "0", startingAt: 0)
        info.systemUUID = info.machineID
        info.kernelVersion = "6.1.0-podguard-sim"
        info.osImage = "podguard simulated node"
        info.containerRuntimeVersion = "containerd://1.6.20"
        info.kubeProxyVersion = "v1.20.2"
        return info
    }
}
