public import Foundation

/// core/v1 Secret, read only (fencing reads a node's fence agent credentials). Its values are
/// never logged: `description` names the keys, not the values.
public struct Secret: KubeResource, Hashable, CustomStringConvertible {
    public static let resource = ResourceDescriptor(group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    /// Read only: no second raw copy of the values is kept.
    public static var keepsRawJSON: Bool { false }
    public var metadata = ObjectMeta()
    public var type: String?
    /// Values base64-encoded, as the API sends them.
    public var data: [String: String]?
    /// Plain values (the API accepts them on write and folds them into `data`).
    public var stringData: [String: String]?
    public var preserved: PreservedJSON?

    enum CodingKeys: String, CodingKey { case metadata, type, data, stringData }

    public init() {}

    /// The values as bytes (`data` decoded, then `stringData`); a value that is not base64 is left out.
    public var bytes: [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for (key, value) in data ?? [:] {
            if let decoded = Data(base64Encoded: value) { result[key] = Array(decoded) }
        }
        for (key, value) in stringData ?? [:] { result[key] = Array(value.utf8) }
        return result
    }

    public var description: String {
        "Secret \(key) (keys \(bytes.keys.sorted()))"
    }
}
