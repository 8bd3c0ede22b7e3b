/// Whether a node reaches an array (mirrors `podguard.v1.Connectivity`).
public enum Connectivity: String, Sendable, Hashable {
    /// No answer, an error, or a driver that cannot tell. Never read as disconnected.
    case unknown
    case connected
    case disconnected
}

/// Whether the node did I/O to the volumes recently.
public enum IOActivity: String, Sendable, Hashable {
    /// No answer: a caller must treat it like `.active` (do not fence).
    case unknown
    case idle
    case active
}

/// One `ValidateVolumeHostConnectivity` call, planned per array (see `connectivityQueries`).
public struct ConnectivityQuery: Sendable, Hashable {
    /// The array this call is about; nil means the driver's default array(s).
    public var arrayID: String?
    /// The request's `array_id` (empty when the family must not set it).
    public var requestArrayID: String
    /// The request's `volume_ids`: only volumes of `arrayID`.
    public var volumeIDs: [String]

    public init(arrayID: String?, requestArrayID: String, volumeIDs: [String]) {
        self.arrayID = arrayID
        self.requestArrayID = requestArrayID
        self.volumeIDs = volumeIDs
    }
}

/// The answer to one `ConnectivityQuery`.
public struct ArrayAnswer: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// The driver answered.
        case answered(connected: Bool, ioInProgress: Bool)
        /// The call failed (or the family cannot tell): unknown, never disconnected.
        case failed(String)
        /// The call failed with an error the family says means "not connected" (PowerFlex's
        /// "there is no corresponding SDC").
        case disconnectedByError(String)
    }

    public var query: ConnectivityQuery
    public var outcome: Outcome
    public var messages: [String]

    public init(query: ConnectivityQuery, outcome: Outcome, messages: [String] = []) {
        self.query = query
        self.outcome = outcome
        self.messages = messages
    }
}

/// The verdict for one array.
public struct ArrayVerdict: Sendable, Hashable {
    /// nil: the driver's default array(s).
    public var arrayID: String?
    public var connectivity: Connectivity
    public var io: IOActivity
    public var messages: [String]

    public init(arrayID: String?, connectivity: Connectivity, io: IOActivity, messages: [String]) {
        self.arrayID = arrayID
        self.connectivity = connectivity
        self.io = io
        self.messages = messages
    }
}

/// The combined verdict for a node (and its volumes) over every array asked.
public struct HostConnectivityVerdict: Sendable, Hashable {
    /// Disconnected if any array is; connected only if every array is; unknown otherwise.
    public var connectivity: Connectivity
    /// Active if any array reports I/O; unknown if any answer is missing; idle otherwise.
    public var io: IOActivity
    /// Per array, in the order asked.
    public var arrays: [ArrayVerdict]

    public init(connectivity: Connectivity, io: IOActivity, arrays: [ArrayVerdict]) {
        self.connectivity = connectivity
        self.io = io
        self.arrays = arrays
    }

    /// The connectivity that governs one volume: disconnected if any of its arrays is.
    public func connectivity(of volume: VolumeHandle) -> Connectivity {
        let relevant = arrays.filter { verdict in
            guard let id = verdict.arrayID else { return volume.arrayID == nil }
            return volume.arrayIDs.contains(id)
        }
        return ConnectivityCombiner.combine(relevant.map(\.connectivity))
    }
}
