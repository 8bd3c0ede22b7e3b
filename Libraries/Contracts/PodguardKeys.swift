import SwiftProtobuf

/// KeyValue keys of podguard's buckets (same token encoding as subjects; see `BusTopology`).
public enum PodguardKeys {
    /// Bucket podguard-nodes: `<node>`.
    public static func node(_ node: String) -> String { SubjectToken.encode(node) }

    /// Bucket podguard-pods: `<namespace>.<name>` (watch one namespace with `<namespace>.*`).
    public static func pod(namespace: String, name: String) -> String {
        "\(SubjectToken.encode(namespace)).\(SubjectToken.encode(name))"
    }

    /// Bucket podguard-connectivity: `<family>.<node>`.
    public static func connectivity(family: Podguard_V1_ArrayFamily, node: String) -> String {
        "\(PodguardSubjects.token(family)).\(SubjectToken.encode(node))"
    }

    /// Bucket podguard-fences: the pod uid.
    public static func fence(podUID: String) -> String { SubjectToken.encode(podUID) }

    /// Bucket podguard-control: the pause switch.
    public static let pause = "pause"

    /// Bucket podguard-prober: `replica.<replica id>`.
    public static func proberLease(replicaID: String) -> String {
        "replica.\(SubjectToken.encode(replicaID))"
    }
}
