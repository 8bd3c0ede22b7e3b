/// The array families a deployment serves, one key read the same way by every service that needs
/// them (watcher, decision, fencing, node-cleanup); each main builds its `FamilyRegistry` from it.
public enum FamilyConfiguration {
    public static let genericDriversKey = ConfigKey(
        "families.genericDrivers", .stringList, default: "",
        help: "CSI drivers served by the generic adapter (family generic); empty = every CSI driver that is not a Dell driver")

    public static let schema = ConfigSchema([genericDriversKey])

    public static func genericDrivers(_ configuration: Configuration) -> [String] {
        configuration.stringList(genericDriversKey.name) ?? []
    }
}
