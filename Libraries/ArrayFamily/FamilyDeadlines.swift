/// How long an adapter waits for each kind of call to this family's driver. podmon uses 10 s for
/// `ValidateVolumeHostConnectivity` and no deadline at all for the rest; podguard needs a bound on
/// every call, chosen from what the driver does inside the call.
public struct FamilyDeadlines: Sendable, Hashable {
    /// `ValidateVolumeHostConnectivity` when the driver's caches are warm.
    public var validate: Duration
    /// The first `ValidateVolumeHostConnectivity` of a driver process (or after its caches expire),
    /// which may have to create array-side metric collections first.
    public var coldValidate: Duration
    /// `ControllerPublishVolume` / `ControllerUnpublishVolume` (array REST calls, host mapping).
    public var controller: Duration
    /// `NodeStage/Publish/Unpublish/UnstageVolume` (mounts, multipath, iSCSI logout).
    public var node: Duration
    /// `Probe`, `GetPluginInfo`, `NodeGetInfo` and the empty extension probe.
    public var identity: Duration

    public init(validate: Duration, coldValidate: Duration, controller: Duration, node: Duration,
                identity: Duration) {
        self.validate = validate
        self.coldValidate = coldValidate
        self.controller = controller
        self.node = node
        self.identity = identity
    }

    /// podmon's 10 s for validation, one minute for publish/unpublish and mounts, 10 s for identity.
    public static let podmonLike = FamilyDeadlines(
        validate: .seconds(10), coldValidate: .seconds(10), controller: .seconds(60), node: .seconds(60),
        identity: .seconds(10))
}
