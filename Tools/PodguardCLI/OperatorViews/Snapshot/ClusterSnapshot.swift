import SwiftProtobuf
public import Contracts
public import Foundation

/// A value read from a bucket with the server's time of its write: ages count from the server's
/// clock, never from a producer's.
public struct Stored<Value: Sendable>: Sendable {
    public var value: Value
    public var storedAt: Date

    public init(_ value: Value, storedAt: Date) {
        self.value = value
        self.storedAt = storedAt
    }
}

/// What podguard's buckets held when the CLI read them: everything `status` and `history` need.
/// The client fills it; the views only read it.
public struct ClusterSnapshot: Sendable {
    public var nodes: [Stored<Podguard_V1_NodeState>]
    public var pods: [Stored<Podguard_V1_PodState>]
    public var connectivity: [Stored<Podguard_V1_ArrayConnectivity>]
    public var fences: [Stored<Podguard_V1_FenceRecord>]
    public var nodeRemediations: [Stored<Podguard_V1_NodeRemediationRecord>]
    /// The pause switch (key `pause` of the control bucket); nil when never set.
    public var pause: Podguard_V1_PauseSwitch?
    /// The latest alerts that say podguard is holding back cluster-wide (StormLimitReached,
    /// ArrayOutage, DriverOutage), newest first.
    public var holdBacks: [Podguard_V1_Alert]

    public init(nodes: [Stored<Podguard_V1_NodeState>] = [], pods: [Stored<Podguard_V1_PodState>] = [],
                connectivity: [Stored<Podguard_V1_ArrayConnectivity>] = [], fences: [Stored<Podguard_V1_FenceRecord>] = [],
                nodeRemediations: [Stored<Podguard_V1_NodeRemediationRecord>] = [], pause: Podguard_V1_PauseSwitch? = nil,
                holdBacks: [Podguard_V1_Alert] = []) {
        self.nodes = nodes
        self.pods = pods
        self.connectivity = connectivity
        self.fences = fences
        self.nodeRemediations = nodeRemediations
        self.pause = pause
        self.holdBacks = holdBacks
    }

    /// The alert reasons `holdBacks` holds, with their severities (their subjects).
    public static let holdBackAlerts: [(severity: Podguard_V1_Severity, reason: String)] = [
        (.warning, "StormLimitReached"), (.critical, "ArrayOutage"), (.critical, "DriverOutage"),
    ]
}
