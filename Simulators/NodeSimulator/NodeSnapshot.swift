import Foundation

/// A read-only view of a simulated node, for tests and the control API.
public struct NodeSnapshot: Sendable, Hashable, Codable {
    public var name: String
    public var internalIP: String
    /// The node's CRI socket (for a node adapter's `adapter.criEndpoint`).
    public var criSocket: String
    public var state: NodeLifecycle
    public var driverPodReady: Bool
    public var bootID: String
    public var boots: Int
    public var pods: [PodSnapshot]
    public var lastHeartbeat: Date?
}

/// A pod as the simulated kubelet runs it.
public struct PodSnapshot: Sendable, Hashable, Codable {
    public var namespace: String
    public var name: String
    public var uid: String
    public var containerIDs: [String]
    /// Volume handles staged and published for it.
    public var volumes: [String]
    public var acceptedWrites: Int
    public var refusedWrites: Int
}
