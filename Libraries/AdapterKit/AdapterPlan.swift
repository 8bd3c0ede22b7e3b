public import ArrayFamily

/// The CSI calls a request turns into, decided before any I/O (see `AdapterPlanner`).
public enum AdapterPlan {
    /// ValidateHostConnectivity: one podmon call per array, concurrently, under one deadline.
    public struct Validate: Sendable, Hashable {
        public var nodeID: String
        /// Empty when the family has no podmon extension (the answer is then UNKNOWN).
        public var queries: [ConnectivityQuery]
        public var deadline: Duration
    }

    /// ControllerUnpublishVolume(volume, node), under the pending rule.
    public struct ControllerUnpublish: Sendable, Hashable {
        public var volumeID: String
        public var nodeID: String
        public var deadline: Duration
    }

    /// NodeUnpublishVolume(volume, target path), under the pending rule.
    public struct NodeUnpublish: Sendable, Hashable {
        public var volumeID: String
        public var targetPath: String
        public var deadline: Duration
    }

    /// NodeUnstageVolume(volume, path) for each staging path in podmon's order (pre-1.25 first);
    /// none when the family does not stage.
    public struct NodeUnstage: Sendable, Hashable {
        public var volumeID: String
        public var stagingPaths: [String]
        public var deadline: Duration
    }
}

/// A request that cannot be served as it is (answered INVALID_REQUEST).
public struct InvalidAdapterRequest: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
