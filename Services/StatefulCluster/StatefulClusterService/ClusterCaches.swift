import Kube

/// The informers of one controller replica: StatefulClusters, their pods and claims (selected by
/// the cluster label) in the watched namespaces, and nodes and StorageClasses cluster-wide.
/// Every replica keeps them warm; only the leader acts on them.
struct ClusterCaches: Sendable {
    let clusters: [Informer<StatefulClusterObject>]
    let pods: [Informer<Pod>]
    let claims: [Informer<PersistentVolumeClaim>]
    let nodes: Informer<Node>
    let storageClasses: Informer<StorageClass>

    init(client: KubeClient, namespaces: [String]) {
        let scopes: [String?] = namespaces.isEmpty ? [nil] : namespaces
        let owned = StatefulClusterLabels.cluster
        clusters = scopes.map { Informer(client: client, StatefulClusterObject.self, namespace: $0) }
        pods = scopes.map { Informer(client: client, Pod.self, namespace: $0, labelSelector: owned, indexes: [.label(owned), .byNodeName]) }
        claims = scopes.map { Informer(client: client, PersistentVolumeClaim.self, namespace: $0, labelSelector: owned, indexes: [.label(owned)]) }
        nodes = Informer(client: client, Node.self)
        storageClasses = Informer(client: client, StorageClass.self)
    }

    var informerCount: Int { clusters.count + pods.count + claims.count + 2 }

    func cluster(namespace: String, name: String) -> StatefulClusterObject? {
        clusters.lazy.compactMap { $0.get(name: name, namespace: namespace) }.first
    }

    var allClusters: [StatefulClusterObject] { clusters.flatMap { $0.list() } }

    /// The pods the cluster controls (owner reference with its uid, marked controller).
    func pods(of cluster: StatefulClusterObject) -> [Pod] {
        pods.flatMap { $0.objects(index: "label:\(StatefulClusterLabels.cluster)", value: cluster.name) }.filter { pod in
            pod.namespace == cluster.namespace
                && pod.metadata.ownerReferences?.contains { $0.uid == cluster.uid && $0.controller == true } == true
        }
    }

    func claims(of cluster: StatefulClusterObject) -> [PersistentVolumeClaim] {
        claims.flatMap { $0.objects(index: "label:\(StatefulClusterLabels.cluster)", value: cluster.name) }
            .filter { $0.namespace == cluster.namespace }
    }

    /// The default StorageClass (annotation `storageclass.kubernetes.io/is-default-class`).
    var defaultStorageClass: StorageClass? {
        storageClasses.list().first { $0.metadata.annotations?["storageclass.kubernetes.io/is-default-class"] == "true" }
    }
}
