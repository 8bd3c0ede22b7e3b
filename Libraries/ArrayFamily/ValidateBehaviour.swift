/// How a driver's `ValidateVolumeHostConnectivity` picks the arrays it checks and combines their
/// answers. The simulator reproduces it; the adapters use it to ask in a way that gets a correct
/// per-array answer despite it (see `ArrayFamily.connectivityQueries`).
public struct ValidateBehaviour: Sendable, Hashable {
    /// Which arrays a request checks for connectivity.
    public enum ArraySelection: Sendable, Hashable {
        /// One system: `array_id`, else the first volume's, else the default (PowerFlex).
        case singleSystem
        /// `array_id`, else every volume's arrays including metro remotes, else all configured
        /// arrays (PowerStore).
        case volumeArraysIncludingRemoteElseAll
        /// Volume arrays, else the default array (PowerScale, Unity).
        case volumeArraysElseDefault
        /// `array_id`, else volume arrays, else (or if a handle does not parse) all managed arrays
        /// (PowerMax).
        case volumeArraysElseAllManaged
        /// The driver has no extension.
        case none
    }

    public var arraySelection: ArraySelection
    /// With several arrays checked, the reply's `connected` is the last array's (a Go map order).
    public var lastCheckedArrayWins: Bool
    /// Whether a set `array_id` is honoured (PowerScale's check silently does nothing with it).
    public var honoursArrayIDField: Bool
    /// Whether volumes of two arrays in one request make it fail (PowerMax "invalid symID").
    public var rejectsVolumesOfSeveralArrays: Bool
    /// The error text for a request with volumes but without a node id (InvalidArgument).
    public var nodeIDRequiredMessage: String

    public init(arraySelection: ArraySelection, lastCheckedArrayWins: Bool, honoursArrayIDField: Bool,
                rejectsVolumesOfSeveralArrays: Bool, nodeIDRequiredMessage: String) {
        self.arraySelection = arraySelection
        self.lastCheckedArrayWins = lastCheckedArrayWins
        self.honoursArrayIDField = honoursArrayIDField
        self.rejectsVolumesOfSeveralArrays = rejectsVolumesOfSeveralArrays
        self.nodeIDRequiredMessage = nodeIDRequiredMessage
    }

    /// Every Dell driver answers an empty request with this message (the presence probe).
    public static let implementedMessage = "ValidateVolumeHostConnectivity is implemented"
}
