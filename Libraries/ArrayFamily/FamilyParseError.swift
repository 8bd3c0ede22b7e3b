/// A volume handle or node id that does not have the family's format.
public enum FamilyParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case emptyVolumeHandle
    case malformedVolumeHandle(String, reason: String)
    case emptyNodeID
    case malformedNodeID(String, reason: String)

    public var description: String {
        switch self {
        case .emptyVolumeHandle: "empty volume handle"
        case .malformedVolumeHandle(let handle, let reason): "malformed volume handle \"\(handle)\": \(reason)"
        case .emptyNodeID: "empty CSI node id"
        case .malformedNodeID(let id, let reason): "malformed CSI node id \"\(id)\": \(reason)"
        }
    }
}
