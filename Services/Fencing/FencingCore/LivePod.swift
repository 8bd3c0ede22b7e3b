/// What fencing reads of the live pod before acting (from the apiserver, never from the request).
public struct LivePod: Sendable, Hashable {
    public var uid: String
    public var nodeName: String
    /// The Ready condition is True.
    public var ready: Bool
    /// A container waits with reason CrashLoopBackOff.
    public var crashLoopBackOff: Bool
    /// reason of the Ready condition (empty: none, e.g. the node controller's not-Ready mark).
    public var readyReason: String

    public init(uid: String, nodeName: String, ready: Bool, crashLoopBackOff: Bool = false, readyReason: String = "") {
        self.uid = uid
        self.nodeName = nodeName
        self.ready = ready
        self.crashLoopBackOff = crashLoopBackOff
        self.readyReason = readyReason
    }
}
