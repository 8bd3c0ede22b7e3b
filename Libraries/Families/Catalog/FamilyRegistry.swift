public import ArrayFamily
public import Contracts
public import Policy

/// The array families one podguard deployment serves: the five Dell families and the generic
/// adapter's drivers. One value, built from configuration at start (`genericDrivers`) and handed to
/// every service that asks which family a driver, a volume or a taint belongs to, which taints are
/// podguard's, and which families can prove a node disconnected.
public struct FamilyRegistry: Sendable {
    /// Drivers of the generic adapter; empty = every CSI driver without a family of its own.
    public let genericDrivers: [String]
    /// The taint keys of every served family (podmon's keys for the Dell ones).
    public let taintKeys: TaintKeys
    private let byDriver: [String: any ArrayFamily]

    public init(genericDrivers: [String] = []) {
        self.genericDrivers = genericDrivers
        self.taintKeys = ArrayFamilyCatalog.taintKeys(genericDrivers: genericDrivers)
        self.byDriver = Dictionary(ArrayFamilyCatalog.dell.map { ($0.csiDriverName, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every family of the contract, Dell's first, in a stable order.
    public static let contractFamilies: [Podguard_V1_ArrayFamily] = [.powerflex, .powerstore, .powerscale, .powermax, .unity, .generic]

    // MARK: Drivers and volumes

    /// The family module of a driver: its own, the generic one, or nil (not a CSI driver podguard serves).
    public func family(ofDriver driver: String) -> (any ArrayFamily)? {
        guard !driver.isEmpty else { return nil }
        if let family = byDriver[driver] { return family }
        if !genericDrivers.isEmpty, !genericDrivers.contains(driver) { return nil }
        return ArrayFamilyCatalog.family(.generic, genericDriver: driver)
    }

    /// The contract's family of a driver (`UNSPECIFIED` when podguard does not serve it).
    public func contractFamily(ofDriver driver: String) -> Podguard_V1_ArrayFamily {
        guard let family = family(ofDriver: driver) else { return .unspecified }
        return ArrayFamilyCatalog.contractFamily(of: family)
    }

    /// The arrays a volume lives on (two for a metro volume); empty when the handle names none or
    /// does not parse (the driver's default array).
    public func arrayIDs(driver: String, volumeHandle: String) -> [String] {
        guard let family = family(ofDriver: driver), let parsed = try? family.parseVolumeHandle(volumeHandle) else { return [] }
        return parsed.arrayIDs
    }

    /// The family module of a fenced volume (the generic one takes the volume's driver name).
    public func family(of volume: Podguard_V1_FenceVolume) -> (any ArrayFamily)? {
        ArrayFamilyCatalog.family(volume.family, driver: volume.driver)
    }

    // MARK: Taints and proof

    /// The Dell family whose podmon taint `key` is (`<stem>.podmon.storage.dell.com`); nil for the
    /// offline taints and the generic drivers' keys, which the array-prober does not probe.
    public func contractFamily(ofTaintKey key: String) -> Podguard_V1_ArrayFamily? {
        ArrayFamilyCatalog.dell.first { $0.podmonTaintKey == key }.map(ArrayFamilyCatalog.contractFamily(of:))
    }

    /// Families whose drivers have no ValidateVolumeHostConnectivity (`ArrayFamilyCatalog.familiesWithoutArrayProof`).
    public var familiesWithoutArrayProof: Set<Podguard_V1_ArrayFamily> { ArrayFamilyCatalog.familiesWithoutArrayProof }
}
