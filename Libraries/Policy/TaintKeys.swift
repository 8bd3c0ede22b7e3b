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

    public func isPodguard(_ key: String) -> Bool { podguard.values.contains(key) }
    public func isDriverOffline(_ key: String) -> Bool { driverOffline.values.contains(key) }
}
