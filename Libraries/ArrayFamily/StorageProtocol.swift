/// The data path of a volume, as far as its handle tells.
public enum StorageProtocol: String, Sendable, Hashable, CaseIterable, Codable {
    /// Block, transport not encoded in the handle (PowerFlex SDC/NVMe, PowerStore `scsi`, PowerMax).
    case block
    /// PowerFlex's proprietary SDC block client.
    case sdc
    case fc
    case iscsi
    case nvmeTCP
    case nfs
    /// A legacy handle that does not say.
    case unknown
}
