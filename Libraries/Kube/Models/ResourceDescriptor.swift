import Foundation

/// The coordinates of a resource in the REST API.
public struct ResourceDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// API group; empty for the core group (`/api/v1`).
    public var group: String
    public var version: String
    /// Lower-case plural used in paths (`pods`, `volumeattachments`).
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` or `group/version`, as in an object's `apiVersion`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The collection path, e.g. `/api/v1/namespaces/ns/pods` or `/apis/storage.k8s.io/v1/volumeattachments`.
    /// A namespaced resource without a namespace addresses all namespaces.
    public func collectionPath(namespace: String?) -> String {
        let root = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace, !namespace.isEmpty {
            return "\(root)/namespaces/\(Self.escape(namespace))/\(plural)"
        }
        return "\(root)/\(plural)"
    }

    /// The path of one object, optionally of a subresource (`status`).
    public func objectPath(name: String, namespace: String?, subresource: String? = nil) -> String {
        var path = "\(collectionPath(namespace: namespaced ? namespace : nil))/\(Self.escape(name))"
        if let subresource { path += "/\(subresource)" }
        return path
    }

    static func escape(_ segment: String) -> String {
        // RFC 3986 unreserved characters only: names are DNS labels, but be safe.
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:@")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
