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
            let encoder = YAMLEncoder()
            encoder.options.sortKeys = true
            return try encoder.encode(view)
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
