/// What `GET /version` says about the apiserver: the version a client adapts to where Kubernetes
/// changed behaviour (token Secrets before 1.24, the out-of-service taint acted on from 1.26).
public struct ServerVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    /// `gitVersion`, e.g. `v1.28.7`.
    public var gitVersion: String

    public init(major: Int, minor: Int, gitVersion: String = "") {
        self.major = major
        self.minor = minor
        self.gitVersion = gitVersion.isEmpty ? "v\(major).\(minor)" : gitVersion
    }

    /// Reads a `/version` document. `minor` may carry a suffix (`"28+"` on some distributions);
    /// `gitVersion` is the fallback when the numeric fields are missing.
    public init(wire: JSONValue) throws(KubeError) {
        let git = wire["gitVersion"]?.stringValue ?? ""
        if let major = Self.leadingInt(wire["major"]?.stringValue), let minor = Self.leadingInt(wire["minor"]?.stringValue) {
            self.init(major: major, minor: minor, gitVersion: git)
        } else if let parsed = Self.parse(git) {
            self.init(major: parsed.major, minor: parsed.minor, gitVersion: git)
        } else {
            throw KubeError.decoding("version: neither major/minor nor gitVersion readable in \(wire)")
        }
    }

    /// Parses `v1.28.7`, `1.20`, `v1.28.7-eks-1` into major and minor.
    public static func parse(_ text: String) -> ServerVersion? {
        let trimmed = text.hasPrefix("v") ? String(text.dropFirst()) : text
        let parts = trimmed.split(separator: ".", maxSplits: 2)
        guard parts.count >= 2, let major = leadingInt(String(parts[0])), let minor = leadingInt(String(parts[1])) else { return nil }
        return ServerVersion(major: major, minor: minor, gitVersion: text)
    }

    private static func leadingInt(_ text: String?) -> Int? {
        guard let text else { return nil }
        return Int(text.prefix { $0.isNumber })
    }

    /// Whether the server is at least `major.minor`.
    public func isAtLeast(_ major: Int, _ minor: Int) -> Bool {
        (self.major, self.minor) >= (major, minor)
    }

    /// From 1.24 the token controller no longer creates a token Secret per ServiceAccount: pods
    /// get projected tokens, and a ServiceAccount is usable as soon as it exists.
    public var createsServiceAccountTokenSecrets: Bool { !isAtLeast(1, 24) }

    public static func < (lhs: ServerVersion, rhs: ServerVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { gitVersion }
}
