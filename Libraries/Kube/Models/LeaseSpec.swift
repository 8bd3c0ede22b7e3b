import Foundation

/// `Lease.spec`. `acquireTime`/`renewTime` are MicroTime on the wire.
public struct LeaseSpec: Codable, Sendable, Hashable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int32?
    public var acquireTime: Date?
    public var renewTime: Date?
    public var leaseTransitions: Int32?

    public init(holderIdentity: String? = nil, leaseDurationSeconds: Int32? = nil, acquireTime: Date? = nil, renewTime: Date? = nil, leaseTransitions: Int32? = nil) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }
}
