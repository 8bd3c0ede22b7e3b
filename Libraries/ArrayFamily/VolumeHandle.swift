/// A parsed CSI volume handle.
public struct VolumeHandle: Sendable, Hashable {
    /// The handle as Kubernetes stores it.
    public var raw: String
    /// The array holding the volume; nil for a legacy handle that names none (the driver's default
    /// array).
    public var arrayID: String?
    /// The array-side volume (or file system) id.
    public var volumeID: String
    /// The remote array of a metro/replicated volume.
    public var remoteArrayID: String?
    /// The remote copy's array-side id.
    public var remoteVolumeID: String?
    /// The data path the handle encodes.
    public var storageProtocol: StorageProtocol

    public init(
        raw: String, arrayID: String?, volumeID: String, remoteArrayID: String? = nil,
        remoteVolumeID: String? = nil, storageProtocol: StorageProtocol
    ) {
        self.raw = raw
        self.arrayID = arrayID
        self.volumeID = volumeID
        self.remoteArrayID = remoteArrayID
        self.remoteVolumeID = remoteVolumeID
        self.storageProtocol = storageProtocol
    }

    /// Every array the volume lives on: the local one first, then the remote one. Empty for a
    /// legacy handle (the driver's default array).
    public var arrayIDs: [String] { [arrayID, remoteArrayID].compactMap { $0 } }

    /// Whether the volume is replicated synchronously to a second array.
    public var isMetro: Bool { remoteArrayID != nil }
}

/// What the simulator (or a test) wants a new volume to be; each family turns it into its own
/// handle format.
public struct VolumeSpec: Sendable, Hashable {
    /// The PV-like name of the volume (some formats embed it).
    public var name: String
    /// The array that holds it.
    public var arrayID: String
    /// A number unique per array, from which array-side ids are derived.
    public var number: Int
    public var storageProtocol: StorageProtocol
    /// The second array of a metro volume.
    public var remoteArrayID: String?

    public init(name: String, arrayID: String, number: Int, storageProtocol: StorageProtocol = .block,
                remoteArrayID: String? = nil) {
        self.name = name
        self.arrayID = arrayID
        self.number = number
        self.storageProtocol = storageProtocol
        self.remoteArrayID = remoteArrayID
    }
}
