import Policy

/// podmon's taint keys of the five Dell drivers (podmon-behaviour §2.6).
// TODO(adapters merge): take these from the family modules, the one place for family knowledge.
public enum DellTaintKeys {
    static let drivers: [(csiDriver: String, podmonName: String)] = [
        ("csi-vxflexos.dellemc.com", "vxflexos"), ("csi-powerstore.dellemc.com", "powerstore"),
        ("csi-isilon.dellemc.com", "isilon"), ("csi-powermax.dellemc.com", "powermax"), ("csi-unity.dellemc.com", "unity"),
    ]

    public static let all = TaintKeys(
        podguard: Dictionary(uniqueKeysWithValues: drivers.map { ($0.csiDriver, "\($0.podmonName).podmon.storage.dell.com") }),
        driverOffline: Dictionary(uniqueKeysWithValues: drivers.map { ($0.csiDriver, "offline.\($0.podmonName).storage.dell.com") }))
}
