public import ArrayFamily
import Foundation
public import Kube
import NodeSimulator

/// enge.me/v1alpha1 StatefulCluster as the tests write it (the controller's own type is not a
/// dependency of the stack: the stack drives the product from outside, as a user does).
public enum StatefulClusterKind: JSONSpecKind {
    public static let resource = ResourceDescriptor(group: "enge.me", version: "v1alpha1", plural: "statefulclusters",
                                                    kind: "StatefulCluster", namespaced: true)
}

public typealias StatefulCluster = JSONSpecObject<StatefulClusterKind>

extension PodguardStack {
    /// The StatefulCluster of a workload: the StatefulSet's template and claim templates, without
    /// the fields a StatefulCluster refuses.
    public func statefulCluster(_ workload: ProtectedWorkload, namespace: String) -> JSONValue {
        .object([
            "apiVersion": .string(StatefulCluster.resource.apiVersion), "kind": .string(StatefulCluster.resource.kind),
            "metadata": .object(["name": .string(workload.name), "namespace": .string(namespace)]),
            "spec": .object([
                "replicas": .number(Double(workload.replicas)),
                "selector": .object(["matchLabels": .object(["app": .string(workload.name)])]),
                "template": podTemplate(workload),
                "volumeClaimTemplates": claimTemplates(workload),
            ]),
        ])
    }

    /// Unbound PVs of the family's StorageClass: the PV controller binds each new claim of that
    /// class to one (static provisioning: the stack runs no external-provisioner).
    public func provisionVolumes(_ family: ArrayFamilyID, count: Int, namespace: String) async throws {
        for index in 0..<count {
            try await cluster.createPersistentVolume(family: family, name: "\(namespace)-pool-\(family.rawValue)-\(index)")
        }
    }

    /// The live pods of a StatefulCluster (not being deleted).
    public func clusterPods(_ name: String, namespace: String) async throws -> [Pod] {
        try await kube.list(Pod.self, namespace: namespace, options: ListOptions(labelSelector: "statefulcluster.enge.me/cluster=\(name)"))
            .items.filter { $0.metadata.deletionTimestamp == nil }
    }

    /// Creates the workload as a StatefulCluster (with a pool of volumes for its first pods and as
    /// many replacements) and waits until its pods run Ready.
    @discardableResult
    public func deployCluster(_ workload: ProtectedWorkload, namespace: String, spareVolumes: Int? = nil,
                              timeout: Duration = .seconds(120)) async throws -> [DeployedPod] {
        for family in workload.families {
            try await provisionVolumes(family, count: workload.replicas + (spareVolumes ?? workload.replicas), namespace: namespace)
        }
        _ = try await kube.createObject(StatefulCluster.resource, statefulCluster(workload, namespace: namespace), namespace: namespace)
        return try await waitForClusterPods(workload, namespace: namespace, timeout: timeout)
    }

    /// Waits until `workload.replicas` pods of the StatefulCluster run Ready, none of them one of
    /// `old` (by uid and by name: an identity is never reused), and returns them.
    public func waitForClusterPods(_ workload: ProtectedWorkload, namespace: String, replacing old: [DeployedPod] = [],
                                   timeout: Duration = .seconds(120)) async throws -> [DeployedPod] {
        let oldNames = Set(old.map(\.name))
        var result: [DeployedPod] = []
        try await Wait.until("StatefulCluster \(namespace)/\(workload.name): \(workload.replicas) pods Running and Ready", timeout: timeout) {
            let pods = try await self.clusterPods(workload.name, namespace: namespace).filter { !oldNames.contains($0.name) }
            guard pods.count == workload.replicas, pods.allSatisfy({ $0.isReady && $0.status?.phase == "Running" }) else { return false }
            result = []
            for pod in pods {
                guard let uid = pod.uid, let node = pod.nodeName else { return false }
                guard let volumes = try await self.volumeHandles(workload.families, namespace: namespace,
                                                                 claim: { "data-\($0.rawValue)-\(pod.name)" }) else { return false }
                result.append(DeployedPod(namespace: namespace, name: pod.name, uid: uid, node: node, volumes: volumes))
            }
            return true
        }
        return result.sorted { $0.name < $1.name }
    }
}
