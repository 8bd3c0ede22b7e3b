import Foundation

/// Any JSON value, kept exactly as the apiserver sent it.
///
/// podguard models only the fields it reads; the rest of every object travels in a `JSONValue`
/// beside the typed view so that a PUT never drops fields added by newer Kubernetes versions,
/// admission webhooks or other controllers (see ``PreservedJSON``).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object, `nil` for anything else or a missing key.
    public subscript(key: String) -> JSONValue? {
        get {
            if case .object(let members) = self { return members[key] }
            return nil
        }
        set {
            guard case .object(var members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number if it is a whole number an `Int` holds; nil for a fraction, or for one beyond
    /// `Int`'s range (an int64 field near its maximum reads as 2^63 once a Double), which
    /// `Int(_:)` would trap on.
    public var intValue: Int? {
        if case .number(let value) = self { return Int(exactly: value) }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
