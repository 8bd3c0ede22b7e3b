import Foundation

/// Objects of kinds known only at run time — custom resources named in configuration (medik8s
/// remediation templates and CRs) — read and written as raw JSON through their `ResourceDescriptor`.
extension KubeClient {
    /// The object, or nil when it does not exist.
    public func getObject(_ resource: ResourceDescriptor, name: String, namespace: String?,
                          timeout: Duration? = nil) async throws -> JSONValue? {
        let request = KubeHTTPRequest(method: .GET, path: resource.objectPath(name: name, namespace: namespace))
        do {
            let response = try await send(request, verb: "get", resource: resource.description, idempotent: true, timeout: timeout)
            return try Self.json(response, resource)
        } catch let error as KubeError where error.isNotFound {
            return nil
        }
    }

    /// Creates the object (its `metadata.namespace`, or `namespace`); returns what the server stored.
    public func createObject(_ resource: ResourceDescriptor, _ object: JSONValue, namespace: String?,
                             timeout: Duration? = nil) async throws -> JSONValue {
        let request = KubeHTTPRequest(method: .POST, path: resource.collectionPath(namespace: namespace),
                                      headers: [("Content-Type", "application/json")], body: try object.encoded())
        let response = try await send(request, verb: "create", resource: resource.description, idempotent: false, timeout: timeout)
        return try Self.json(response, resource)
    }

    /// Replaces the object (PUT; its `metadata.resourceVersion` makes a concurrent change a
    /// ``KubeError/conflict(_:)``), or its subresource (`status`); returns what the server stored.
    public func replaceObject(_ resource: ResourceDescriptor, _ object: JSONValue, name: String, namespace: String?,
                              subresource: String? = nil, timeout: Duration? = nil) async throws -> JSONValue {
        let request = KubeHTTPRequest(method: .PUT, path: resource.objectPath(name: name, namespace: namespace, subresource: subresource),
                                      headers: [("Content-Type", "application/json")], body: try object.encoded())
        let verb = subresource.map { "update/\($0)" } ?? "update"
        let response = try await send(request, verb: verb, resource: resource.description, idempotent: false, timeout: timeout)
        return try Self.json(response, resource)
    }

    /// Deletes the object; false when it was already gone.
    @discardableResult
    public func deleteObject(_ resource: ResourceDescriptor, name: String, namespace: String?, timeout: Duration? = nil) async throws -> Bool {
        let request = KubeHTTPRequest(method: .DELETE, path: resource.objectPath(name: name, namespace: namespace))
        do {
            _ = try await send(request, verb: "delete", resource: resource.description, idempotent: true, timeout: timeout)
            return true
        } catch let error as KubeError where error.isNotFound {
            return false
        }
    }

    private static func json(_ response: KubeHTTPResponse, _ resource: ResourceDescriptor) throws -> JSONValue {
        do {
            return try JSONValue(data: response.body)
        } catch {
            throw KubeError.decoding("\(resource): \(error)")
        }
    }
}
