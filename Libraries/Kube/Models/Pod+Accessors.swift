extension Pod {
    /// `spec.nodeName`: set once the pod is bound to a node.
    public var nodeName: String? { spec?.nodeName }

    /// True when the pod's `Ready` condition is `True`.
    public var isReady: Bool {
        status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
    }

    /// Names of the PersistentVolumeClaims the pod mounts.
    public var claimNames: [String] {
        spec?.volumes?.compactMap { $0.persistentVolumeClaim?.claimName } ?? []
    }
}
