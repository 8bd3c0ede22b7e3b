/// A patch in one of the three formats the apiserver takes.
public enum Patch: Sendable, Hashable {
    /// RFC 7386 JSON merge patch: objects merge, `null` deletes, arrays are replaced whole.
    case merge(JSONValue)
    /// Kubernetes strategic merge patch: like merge, but lists with a merge key (taints by key,
    /// containers by name...) merge element-wise. Core types only (not CRDs).
    case strategicMerge(JSONValue)
    /// RFC 6902 JSON patch: explicit operations, incl. `test` for optimistic checks.
    case json([JSONPatchOperation])

    public var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .strategicMerge: return "application/strategic-merge-patch+json"
        case .json: return "application/json-patch+json"
        }
    }

    var body: JSONValue {
        switch self {
        case .merge(let value), .strategicMerge(let value): return value
        case .json(let operations): return .array(operations.map(\.json))
        }
    }
}
