public import Kube

/// enge.me/v1alpha1 StatefulCluster (helm/podguard/charts/statefulcluster/crds): spec and status
/// kept as JSON, read through ``ClusterSpec`` and written through ``ClusterStatus`` + JSON.
public enum StatefulClusterKind: JSONSpecKind {
    public static let resource = ResourceDescriptor(group: "enge.me", version: "v1alpha1", plural: "statefulclusters",
                                                    kind: "StatefulCluster", namespaced: true)
}

public typealias StatefulClusterObject = JSONSpecObject<StatefulClusterKind>

/// The labels and annotations the controller puts on what it makes.
public enum StatefulClusterLabels {
    /// On pods and claims: the cluster's name (what the informers select by).
    public static let cluster = "statefulcluster.enge.me/cluster"
    /// On claims: the pod they were made for.
    public static let pod = "statefulcluster.enge.me/pod"
    /// On pods: the revision (template hash) they were made from.
    public static let revision = "statefulcluster.enge.me/revision"
    /// On claims: the retention decided when their pod was scaled away (`Retain` or `Delete`).
    public static let retention = "statefulcluster.enge.me/retention"
}
