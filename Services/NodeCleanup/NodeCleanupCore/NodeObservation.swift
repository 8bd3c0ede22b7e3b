public import Foundation

/// What node-cleanup needs to know about its own Node, taken from one read of it (watch event or
/// GET). A plain value, so the cycle's state machine stays pure.
public struct NodeObservation: Sendable, Equatable {
    public var name: String
    public var uid: String
    /// `status.nodeInfo.bootID`: a new value means the machine rebooted (no old container survives).
    public var bootID: String
    /// Keys of the podguard taints (`<driver>.podmon.storage.dell.com`, NoSchedule) on the node.
    public var podguardTaintKeys: [String]
    /// The Ready condition is True: the node controller sees heartbeats (status posts or Lease
    /// renewals) within its grace period.
    public var ready: Bool
    /// `node.kubernetes.io/unreachable` (either effect) is on the node.
    public var unreachable: Bool
    /// `node.kubernetes.io/out-of-service` (NoExecute) is on the node: fencing's fast path after the
    /// node was proven safe, or someone else's.
    public var outOfService: Bool
    /// When the Ready condition last changed status. A changed value between two observations means
    /// the node flapped in between, even if both observations saw it Ready.
    public var readyTransitionTime: Date?
    /// The Ready condition's heartbeat, for reports and logs only: kubelets since 1.17 heartbeat
    /// through their Lease and refresh this every few minutes, so its age proves nothing.
    public var lastHeartbeatTime: Date?

    public init(name: String, uid: String = "", bootID: String = "", podguardTaintKeys: [String] = [], ready: Bool = false,
                unreachable: Bool = false, outOfService: Bool = false, readyTransitionTime: Date? = nil, lastHeartbeatTime: Date? = nil) {
        self.name = name
        self.uid = uid
        self.bootID = bootID
        self.podguardTaintKeys = podguardTaintKeys
        self.ready = ready
        self.unreachable = unreachable
        self.outOfService = outOfService
        self.readyTransitionTime = readyTransitionTime
        self.lastHeartbeatTime = lastHeartbeatTime
    }

    public var isPodguardTainted: Bool { !podguardTaintKeys.isEmpty }

    /// Stable right now: tainted by podguard (there is something to do), Ready and not unreachable.
    public var isStableNow: Bool { isPodguardTainted && ready && !unreachable }
}
