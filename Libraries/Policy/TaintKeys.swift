/// The taint keys podguard owns, per CSI driver. They come from the family modules (one place for
/// family knowledge); the policy only compares keys.
public struct TaintKeys: Sendable, Equatable {
    /// `<driver>.podmon.storage.dell.com` per CSI driver name.
    public var podguard: [String: String]
    /// `offline.<driver>.storage.dell.com` per CSI driver name.
    public var driverOffline: [String: String]

    public init(podguard: [String: String], driverOffline: [String: String]) {
        self.podguard = podguard
        self.driverOffline = driverOffline
    }

    public static let unreachable = "node.kubernetes.io/unreachable"
    /// Kubernetes' "the node is shut down" taint (`=nodeshutdown:NoExecute`, acted on from 1.26):
    /// the pod GC force-deletes the node's pods and the attach/detach controller detaches their
    /// volumes at once. podguard applies it only to a node proven safe (`NodeProofGate`).
    public static let outOfService = "node.kubernetes.io/out-of-service"
    public static let outOfServiceValue = "nodeshutdown"

    public func isPodguard(_ key: String) -> Bool { podguard.values.contains(key) }
    public func isDriverOffline(_ key: String) -> Bool { driverOffline.values.contains(key) }
}
