public import Kube
public import StatefulClusterCore

/// The pods and claims of one StatefulCluster, built from its templates.
public struct ClusterObjectFactory: Sendable {
    public var cluster: StatefulClusterObject
    public var spec: ClusterSpec
    /// The protection label podguard selects pods by (`podmon.dellemc.com/driver=<value>`), when
    /// the template does not set it already; nil: none.
    public var protectionLabel: (key: String, value: String)?

    public init(cluster: StatefulClusterObject, spec: ClusterSpec, protectionLabel: (key: String, value: String)?) {
        self.cluster = cluster
        self.spec = spec
        self.protectionLabel = protectionLabel
    }

    var ownerReference: JSONValue {
        .object([
            "apiVersion": .string(StatefulClusterObject.resource.apiVersion), "kind": .string(StatefulClusterObject.resource.kind),
            "name": .string(cluster.name), "uid": .string(cluster.uid ?? ""),
            "controller": .bool(true), "blockOwnerDeletion": .bool(true),
        ])
    }

    static func strings(_ value: JSONValue?) -> [String: JSONValue] {
        value?.objectValue?.filter { $0.value.stringValue != nil } ?? [:]
    }

    /// The pod: the template's metadata plus the selector's labels, the cluster and revision
    /// labels, the protection label; owned by the cluster; every claim template's volume pointing
    /// at this pod's own claim (a template volume of the same name is replaced, as a StatefulSet does).
    public func pod(_ creation: ReconcilePlan.PodCreation) -> JSONValue {
        let templateMetadata = spec.template["metadata"]
        var labels = Self.strings(templateMetadata?["labels"])
        for (key, value) in spec.selector.matchLabels { labels[key] = .string(value) }
        if let protectionLabel, labels[protectionLabel.key] == nil { labels[protectionLabel.key] = .string(protectionLabel.value) }
        labels[StatefulClusterLabels.cluster] = .string(cluster.name)
        labels[StatefulClusterLabels.revision] = .string(spec.revision)
        var metadata: [String: JSONValue] = [
            "name": .string(creation.podName), "namespace": .string(cluster.namespace ?? ""),
            "labels": .object(labels), "ownerReferences": .array([ownerReference]),
        ]
        let annotations = Self.strings(templateMetadata?["annotations"])
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations) }

        var podSpec = spec.template["spec"] ?? .object([:])
        let claimVolumes = creation.claims.keys.sorted()
        var volumes = (podSpec["volumes"]?.arrayValue ?? []).filter { volume in
            !claimVolumes.contains(volume["name"]?.stringValue ?? "")
        }
        for template in claimVolumes {
            volumes.append(.object(["name": .string(template),
                                    "persistentVolumeClaim": .object(["claimName": .string(creation.claims[template]!)])]))
        }
        if !volumes.isEmpty { podSpec["volumes"] = .array(volumes) }
        return .object(["apiVersion": .string("v1"), "kind": .string("Pod"), "metadata": .object(metadata), "spec": podSpec])
    }

    /// The claims of a new pod, by claim name.
    public func claims(_ creation: ReconcilePlan.PodCreation) -> [(name: String, object: JSONValue)] {
        spec.claimTemplates.compactMap { template in
            guard let templateName = template["metadata"]?["name"]?.stringValue, let name = creation.claims[templateName] else { return nil }
            var labels = Self.strings(template["metadata"]?["labels"])
            for (key, value) in spec.selector.matchLabels { labels[key] = .string(value) }
            labels[StatefulClusterLabels.cluster] = .string(cluster.name)
            labels[StatefulClusterLabels.pod] = .string(creation.podName)
            var metadata: [String: JSONValue] = ["name": .string(name), "namespace": .string(cluster.namespace ?? ""), "labels": .object(labels)]
            let annotations = Self.strings(template["metadata"]?["annotations"])
            if !annotations.isEmpty { metadata["annotations"] = .object(annotations) }
            if spec.retention.whenDeleted == .delete { metadata["ownerReferences"] = .array([claimOwnerReference]) }
            return (name, .object(["apiVersion": .string("v1"), "kind": .string("PersistentVolumeClaim"),
                                   "metadata": .object(metadata), "spec": template["spec"] ?? .object([:])]))
        }
    }

    /// A claim's reference to the cluster: not the controller, so the claim stays adoptable by
    /// no one else, and it does not block the cluster's deletion.
    public var claimOwnerReference: JSONValue {
        .object([
            "apiVersion": .string(StatefulClusterObject.resource.apiVersion), "kind": .string(StatefulClusterObject.resource.kind),
            "name": .string(cluster.name), "uid": .string(cluster.uid ?? ""),
        ])
    }
}
