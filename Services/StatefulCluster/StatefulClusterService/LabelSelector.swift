public import Kube

/// A `metav1.LabelSelector` (matchLabels and matchExpressions), parsed once per spec.
public struct LabelSelector: Sendable, Equatable {
    public struct Requirement: Sendable, Equatable {
        public enum Operator: String, Sendable { case `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist" }
        public var key: String
        public var op: Operator
        public var values: [String]
    }

    public var matchLabels: [String: String]
    public var requirements: [Requirement]

    public init(matchLabels: [String: String] = [:], requirements: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.requirements = requirements
    }

    public init(json: JSONValue?) throws(ClusterSpecError) {
        guard let json, case .object = json else { throw ClusterSpecError("spec.selector is required") }
        var labels: [String: String] = [:]
        for (key, value) in json["matchLabels"]?.objectValue ?? [:] {
            guard let value = value.stringValue else { throw ClusterSpecError("spec.selector.matchLabels.\(key) is not a string") }
            labels[key] = value
        }
        var requirements: [Requirement] = []
        for (index, expression) in (json["matchExpressions"]?.arrayValue ?? []).enumerated() {
            guard let key = expression["key"]?.stringValue, let raw = expression["operator"]?.stringValue,
                  let op = Requirement.Operator(rawValue: raw) else {
                throw ClusterSpecError("spec.selector.matchExpressions[\(index)] needs a key and an operator In, NotIn, Exists or DoesNotExist")
            }
            let values = expression["values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if (op == .in || op == .notIn) && values.isEmpty {
                throw ClusterSpecError("spec.selector.matchExpressions[\(index)]: \(raw) needs values")
            }
            requirements.append(Requirement(key: key, op: op, values: values))
        }
        guard !labels.isEmpty || !requirements.isEmpty else {
            throw ClusterSpecError("spec.selector selects nothing: give matchLabels or matchExpressions")
        }
        self.init(matchLabels: labels, requirements: requirements)
    }

    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in requirements {
            let value = labels[requirement.key]
            switch requirement.op {
            case .in: if value.map({ !requirement.values.contains($0) }) ?? true { return false }
            case .notIn: if let value, requirement.values.contains(value) { return false }
            case .exists: if value == nil { return false }
            case .doesNotExist: if value != nil { return false }
            }
        }
        return true
    }

    /// The selector in the API's string form (`status.selector`, read by the scale subresource).
    public var rendered: String {
        var parts = matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for requirement in requirements {
            switch requirement.op {
            case .in: parts.append("\(requirement.key) in (\(requirement.values.joined(separator: ",")))")
            case .notIn: parts.append("\(requirement.key) notin (\(requirement.values.joined(separator: ",")))")
            case .exists: parts.append(requirement.key)
            case .doesNotExist: parts.append("!\(requirement.key)")
            }
        }
        return parts.joined(separator: ",")
    }
}
