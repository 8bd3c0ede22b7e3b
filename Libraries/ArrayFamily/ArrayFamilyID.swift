/// The array families podguard knows, plus `generic` (any CSI driver without Dell's podmon
/// extension). The raw value is the subject token of the bus contract
/// (`podguard.v1.adapter.<family>...`, `podguard.v1.connectivity.<family>...`).
public enum ArrayFamilyID: String, Sendable, Hashable, CaseIterable, Codable {
    case powerflex
    case powerstore
    case powerscale
    case powermax
    case unity
    case generic
}
