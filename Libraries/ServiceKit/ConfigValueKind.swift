/// The form a configuration value must have; values are validated against it when loaded, so a
/// service never sees a malformed value at run time.
public enum ConfigValueKind: Sendable, Hashable {
    case string
    case int
    case double
    /// `true`/`false`/`yes`/`no`/`1`/`0`, case-insensitive.
    case bool
    /// `250ms`, `2s`, `1.5s`, `5m`, `1h`, `100us`, `1m30s`; a plain number means seconds.
    case duration
    /// A YAML list, or a comma-separated string (the only form environment variables and flags have).
    case stringList
    /// One of the listed words, matched case-insensitively and stored in the listed spelling.
    case oneOf([String])

    /// The expected form, as shown in error messages and `--help`.
    var expectation: String {
        switch self {
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number"
        case .bool: "a boolean (true/false/yes/no/1/0)"
        case .duration: "a duration such as 250ms, 2s, 1.5s, 5m, 1h or 100us (a plain number means seconds)"
        case .stringList: "a list of strings (a YAML list or comma-separated)"
        case .oneOf(let choices): "one of " + choices.joined(separator: ", ")
        }
    }

    /// A short placeholder for `--help`.
    var placeholder: String {
        switch self {
        case .string: "<string>"
        case .int: "<int>"
        case .double: "<number>"
        case .bool: "<bool>"
        case .duration: "<duration>"
        case .stringList: "<a,b,...>"
        case .oneOf(let choices): "<" + choices.joined(separator: "|") + ">"
        }
    }
}
