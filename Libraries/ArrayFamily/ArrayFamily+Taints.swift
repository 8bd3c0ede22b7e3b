extension ArrayFamily {
    /// podmon's node taint (`<stem>.podmon.storage.dell.com`, effect NoSchedule), kept so users
    /// migrating from CSM for Resiliency see the same keys.
    public var podmonTaintKey: String { "\(taintStem).podmon.storage.dell.com" }

    /// podmon's taint for a node whose CSI driver pod is offline (`offline.<stem>.storage.dell.com`).
    public var driverPodTaintKey: String { "offline.\(taintStem).storage.dell.com" }

    /// The protecting pod label, `podmon.dellemc.com/driver=<value>`.
    public var podmonLabel: (key: String, value: String) { ("podmon.dellemc.com/driver", podmonLabelValue) }
}
