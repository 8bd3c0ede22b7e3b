import SwiftProtobuf
import Foundation
/// A pod named on the command line as `<namespace>/<name>`.
public struct PodReference: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// Reads `<namespace>/<name>`; both parts must be Kubernetes names (lower-case letters, digits,
    /// '-' and '.', at most 253 characters), so a typo is told apart from an unknown pod.
    public init(parsing text: String) throws(PodReferenceError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw PodReferenceError(text: text, problem: "expected <namespace>/<pod>, e.g. db/postgres-0") }
        for (part, what) in [(parts[0], "namespace"), (parts[1], "pod name")] {
            if part.isEmpty { throw PodReferenceError(text: text, problem: "the \(what) is empty; expected <namespace>/<pod>") }
            if let problem = KubernetesName.problem(part) { throw PodReferenceError(text: text, problem: "the \(what) '\(part)' \(problem)") }
        }
        self.init(namespace: parts[0], name: parts[1])
    }

    public var description: String { "\(namespace)/\(name)" }
}

public struct PodReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var problem: String
    public var description: String { "'\(text)' is not a pod: \(problem)" }
}

/// Kubernetes object names (RFC 1123 subdomains): what a namespace, pod or node name may hold.
public enum KubernetesName {
    /// Why `name` is not a Kubernetes object name; nil when it is one.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.count > 253 { return "is longer than 253 characters" }
        if let bad = name.first(where: { !($0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".")) }) {
            return "holds '\(bad)': names are lower-case letters, digits, '-' and '.'"
        }
        if !(name.first!.isLetter || name.first!.isNumber) || !(name.last!.isLetter || name.last!.isNumber) {
            return "must start and end with a letter or digit"
        }
        return nil
    }
}
