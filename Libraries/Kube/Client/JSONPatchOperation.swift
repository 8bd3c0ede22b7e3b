import Foundation

/// One RFC 6902 operation.
public struct JSONPatchOperation: Sendable, Hashable {
    public enum Op: String, Sendable, Hashable {
        case add, remove, replace, move, copy, test
    }

    public var op: Op
    /// A JSON pointer; build segments with ``escape(_:)`` (`/` and `~` in label keys!).
    public var path: String
    public var value: JSONValue?
    public var from: String?

    public init(op: Op, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }

    public static func add(_ path: String, _ value: JSONValue) -> Self { .init(op: .add, path: path, value: value) }
    public static func replace(_ path: String, _ value: JSONValue) -> Self { .init(op: .replace, path: path, value: value) }
    public static func remove(_ path: String) -> Self { .init(op: .remove, path: path) }
    public static func test(_ path: String, _ value: JSONValue) -> Self { .init(op: .test, path: path, value: value) }

    /// Escapes one JSON-pointer segment (`~` → `~0`, `/` → `~1`).
    public static func escape(_ segment: String) -> String {
        segment.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["op": .string(op.rawValue), "path": .string(path)]
        if let value { members["value"] = value }
        if let from { members["from"] = .string(from) }
        return .object(members)
    }
}
