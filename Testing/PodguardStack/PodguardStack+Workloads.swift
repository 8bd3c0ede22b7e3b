public import ArrayFamily
import Bus
import BusService
public import Contracts
import CSISimulator
import Foundation
public import Kube
public import NodeSimulator
import Synchronization

/// A protected StatefulSet to deploy on a stack's nodes.
public struct ProtectedWorkload: Sendable {
    public var name: String
    public var replicas: Int
    /// One volume (claim template `data-<family>`) per family; the first family's driver is the
    /// pod's protection label value.
    public var families: [ArrayFamilyID]
    /// Pods of workloads with the same group carry label `podguard.io/affinity-group=<group>` and a
    /// required pod-affinity on it with topology `kubernetes.io/hostname`: they stay together.
    public var affinityGroup: String?
    /// A node the scheduler should prefer (weight 100), so a test knows where pods start.
    public var preferredNode: String?
    public var accessMode = "ReadWriteOnce"

    public init(name: String, replicas: Int = 1, families: [ArrayFamilyID], affinityGroup: String? = nil,
                preferredNode: String? = nil) {
        self.name = name
        self.replicas = replicas
        self.families = families
        self.affinityGroup = affinityGroup
        self.preferredNode = preferredNode
    }

    public func podName(_ ordinal: Int) -> String { "\(name)-\(ordinal)" }
    public func claimName(_ family: ArrayFamilyID, ordinal: Int) -> String { "data-\(family.rawValue)-\(name)-\(ordinal)" }
}

/// A protected pod as deployed: where it runs and its volumes.
public struct DeployedPod: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var uid: String
    public var node: String
    /// Volume handle per family.
    public var volumes: [ArrayFamilyID: String]
}

extension PodguardStack {
    /// A fresh namespace (with its `default` ServiceAccount token, which pods need).
    public func makeNamespace(_ prefix: String) async throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await kube.create(Namespace(name: name))
        namespacesMade.withLock { $0.append(name) }
        try await kube.waitForDefaultServiceAccount(namespace: name)
        return name
    }

    /// Deletes every namespace made so far (their pods terminate gracefully), so that later
    /// scenarios on the same stack do not find these pods on the nodes they fail.
    public func deleteNamespacesMade() async {
        let names = namespacesMade.withLock { names in defer { names = [] }; return names }
        for name in names { try? await kube.delete(Namespace.self, name: name) }
        // Their pods terminate gracefully within seconds; the namespaces themselves go later.
        try? await Wait.until("pods of \(names) gone", timeout: .seconds(60), every: .milliseconds(500)) {
            for name in names where !(try await self.kube.list(Pod.self, namespace: name).items.isEmpty) { return false }
            return true
        }
    }

    /// Creates a static PV per replica and family (pre-bound to the claim the StatefulSet will make)
    /// and the StatefulSet, then waits until every pod runs Ready; returns them by ordinal.
    @discardableResult
    public func deploy(_ workload: ProtectedWorkload, namespace: String, timeout: Duration = .seconds(120)) async throws -> [DeployedPod] {
        for ordinal in 0..<workload.replicas {
            for family in workload.families {
                let claim = workload.claimName(family, ordinal: ordinal)
                try await cluster.createPersistentVolume(family: family, name: "\(namespace)-\(claim)",
                                                         accessModes: [workload.accessMode], claim: (namespace: namespace, name: claim))
            }
        }
        _ = try await kube.create(statefulSet(workload, namespace: namespace))
        return try await waitForPods(workload, namespace: namespace, timeout: timeout)
    }

    /// Waits until every pod of the workload runs Ready on one of the stack's nodes (other than
    /// `avoiding`'s uids: pods replaced since then), and returns them.
    public func waitForPods(_ workload: ProtectedWorkload, namespace: String, replacing old: [DeployedPod] = [],
                            timeout: Duration = .seconds(120)) async throws -> [DeployedPod] {
        let oldUIDs = Set(old.map(\.uid))
        var result: [DeployedPod] = []
        try await Wait.until("pods of \(namespace)/\(workload.name) Running and Ready\(old.isEmpty ? "" : " (replaced)")", timeout: timeout) {
            result = []
            for ordinal in 0..<workload.replicas {
                guard let pod = try await self.kube.getIfPresent(Pod.self, name: workload.podName(ordinal), namespace: namespace),
                      let uid = pod.uid, !oldUIDs.contains(uid), pod.isReady, pod.status?.phase == "Running",
                      pod.metadata.deletionTimestamp == nil, let node = pod.nodeName else { return false }
                guard let volumes = try await self.volumeHandles(workload.families, namespace: namespace,
                                                                 claim: { workload.claimName($0, ordinal: ordinal) }) else { return false }
                result.append(DeployedPod(namespace: namespace, name: pod.name, uid: uid, node: node, volumes: volumes))
            }
            return true
        }
        return result
    }

    /// The volume handle of each family's claim (named by `claim`), nil while one is not bound.
    func volumeHandles(_ families: [ArrayFamilyID], namespace: String,
                       claim: (ArrayFamilyID) -> String) async throws -> [ArrayFamilyID: String]? {
        var volumes: [ArrayFamilyID: String] = [:]
        for family in families {
            let pvc = try await kube.get(PersistentVolumeClaim.self, name: claim(family), namespace: namespace)
            guard let pvName = pvc.spec?.volumeName,
                  let handle = try await kube.get(PersistentVolume.self, name: pvName).spec?.csi?.volumeHandle else { return nil }
            volumes[family] = handle
        }
        return volumes
    }

    /// The StatefulSet of a workload, kept in the stack's zone.
    public func statefulSet(_ workload: ProtectedWorkload, namespace: String) -> StatefulSet {
        var set = StatefulSet(name: workload.name, namespace: namespace)
        set.spec = .object([
            "replicas": .number(Double(workload.replicas)),
            "serviceName": .string(workload.name),
            "podManagementPolicy": .string("Parallel"),
            "selector": .object(["matchLabels": .object(["app": .string(workload.name)])]),
            "template": podTemplate(workload),
            "volumeClaimTemplates": claimTemplates(workload),
        ])
        return set
    }

    /// The claim templates of a workload: `data-<family>` of the family's StorageClass.
    public func claimTemplates(_ workload: ProtectedWorkload) -> JSONValue {
        .array(workload.families.map { family in
            .object([
                "metadata": .object(["name": .string("data-\(family.rawValue)")]),
                "spec": .object([
                    "accessModes": .array([.string(workload.accessMode)]),
                    "storageClassName": .string(SimulatedCluster.storageClassName(for: family)),
                    "resources": .object(["requests": .object(["storage": .string("1Gi")])]),
                ]),
            ])
        })
    }

    /// The pod template of a workload, kept in the stack's zone.
    public func podTemplate(_ workload: ProtectedWorkload) -> JSONValue {
        let driverLabel = FamilyCatalog.family(workload.families[0]).podmonLabelValue
        var labels: [String: JSONValue] = ["app": .string(workload.name), "podmon.dellemc.com/driver": .string(driverLabel)]
        var affinity: [String: JSONValue] = [:]
        if let group = workload.affinityGroup {
            labels["podguard.io/affinity-group"] = .string(group)
            affinity["podAffinity"] = .object(["requiredDuringSchedulingIgnoredDuringExecution": .array([.object([
                "labelSelector": .object(["matchLabels": .object(["podguard.io/affinity-group": .string(group)])]),
                "topologyKey": .string("kubernetes.io/hostname"),
            ])])])
        }
        if let node = workload.preferredNode {
            affinity["nodeAffinity"] = .object(["preferredDuringSchedulingIgnoredDuringExecution": .array([.object([
                "weight": .number(100),
                "preference": .object(["matchExpressions": .array([.object([
                    "key": .string("kubernetes.io/hostname"), "operator": .string("In"), "values": .array([.string(node)]),
                ])])]),
            ])])])
        }
        var podSpec: [String: JSONValue] = [
            "nodeSelector": .object(["topology.kubernetes.io/zone": .string(zone)]),
            "terminationGracePeriodSeconds": .number(5),
            "containers": .array([.object([
                "name": .string("app"), "image": .string("registry.invalid/app:1"),
                "volumeMounts": .array(workload.families.map { family in
                    .object(["name": .string("data-\(family.rawValue)"), "mountPath": .string("/data/\(family.rawValue)")])
                }),
            ])]),
        ]
        if !affinity.isEmpty { podSpec["affinity"] = .object(affinity) }
        return .object(["metadata": .object(["labels": .object(labels)]), "spec": .object(podSpec)])
    }

    /// The pod's current uid and node, if it exists.
    public func currentPod(_ name: String, namespace: String) async throws -> Pod? {
        try await kube.getIfPresent(Pod.self, name: name, namespace: namespace)
    }

    /// The node's taint keys right now.
    public func taintKeys(of node: String) async throws -> Set<String> {
        Set(try await kube.get(Node.self, name: node).taints.map(\.key))
    }

    /// Waits until the node carries no podguard taint (`*.podmon.storage.dell.com`) and is Ready.
    public func waitUntilNodeClean(_ node: String, timeout: Duration = .seconds(120)) async throws {
        // Only podguard puts the out-of-service taint on a node of this stack: it goes with the rest.
        try await Wait.until("\(node) Ready without podguard taints", timeout: timeout) {
            let current = try await self.kube.get(Node.self, name: node)
            return current.readyCondition?.status == "True"
                && !current.taints.contains { InvariantAuditor.isPodguardTaint($0.key) || $0.key == InvariantAuditor.unreachableKey
                                              || $0.key == "node.kubernetes.io/out-of-service" }
        }
    }
}

extension PodguardStack {
    /// The node's NodeRemediationRecord, if the ladder was climbed for it.
    public func nodeRemediation(of node: String) async throws -> Podguard_V1_NodeRemediationRecord? {
        let store = NodeRemediationStore(try await bus.jetStream().keyValue(topology.nodeRemediationsBucket))
        return try await store.read(key: PodguardKeys.node(node))?.record
    }

    /// Deletes the node's NodeRemediationRecord, as an operator does (docs/policy.md) so that a
    /// climb ended for the node's current boot does not stop the next one of the same boot.
    public func forgetNodeRemediation(of node: String) async throws {
        try await bus.jetStream().keyValue(topology.nodeRemediationsBucket).delete(PodguardKeys.node(node))
    }
}
