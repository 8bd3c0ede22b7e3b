import SwiftProtobuf
public import Foundation
import Yams

extension OutputFormat {
    /// The view as this format prints it. JSON and YAML carry the same fields (moments as RFC 3339
    /// text in UTC, durations in seconds), keys sorted so the output diffs well.
    public func render(_ view: some OperatorView) throws -> String {
        switch self {
        case .table:
            return view.text
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(view), as: UTF8.self) + "\n"
        case .yaml:
            // Through JSON, so YAML holds exactly JSON's fields and numbers read as numbers
            // ("3.5"), not in Yams' scientific notation ("3.5e+0").
            let json = try JSONEncoder().encode(view)
            let tree = try JSONDecoder().decode(JSONTree.self, from: json)
            return try Yams.serialize(node: tree.node, allowUnicode: true, sortKeys: true)
        }
    }
}

/// A JSON document as a YAML node tree.
private enum JSONTree: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONTree]), object([String: JSONTree])

    init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.singleValueContainer()
        // JSONDecoder never reads a number as a Bool, nor a Bool as a number: the order tells them apart.
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONTree].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONTree].self)) }
    }

    var node: Node {
        switch self {
        // Plain scalars: YAML's resolver reads them back as null, a bool, an int or a float.
        case .null: return Node("null")
        case .bool(let value): return Node(value ? "true" : "false")
        case .number(let value): return Node(value == value.rounded() && abs(value) < 1e15 ? "\(Int64(value))" : "\(value)")
        case .string(let value): return .scalar(value.represented())
        case .array(let values): return .sequence(Node.Sequence(values.map(\.node)))
        case .object(let values): return .mapping(Node.Mapping(values.map { (Node($0.key), $0.value.node) }))
        }
    }
}

/// A moment as the JSON and YAML outputs write it: RFC 3339 in UTC, to the millisecond
/// ("2024-05-01T10:04:12.250Z"). Views keep moments as this text, so both encoders agree.
public enum RFC3339 {
    public static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

extension OutputFormat {
    /// One view of a stream of them (`alerts --follow`): a table's line, one JSON object per line
    /// (JSON lines), or one YAML document each.
    public func renderStreamed(_ view: some OperatorView) throws -> String {
        switch self {
        case .table:
            return view.text
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(view), as: UTF8.self) + "\n"
        case .yaml:
            return "---\n" + (try render(view))
        }
    }
}
