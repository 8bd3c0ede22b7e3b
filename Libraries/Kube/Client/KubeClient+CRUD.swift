import Foundation
import Logging

extension KubeClient {
    /// GET one object. Throws ``KubeError/notFound(_:)`` when it does not exist.
    public func get<T: KubeResource>(_ type: T.Type, name: String, namespace: String? = nil, timeout: Duration? = nil) async throws -> T {
        let path = T.resource.objectPath(name: name, namespace: namespace)
        let response = try await send(KubeHTTPRequest(method: .GET, path: path), verb: "get", resource: T.resource.description, idempotent: true, timeout: timeout)
        return try decodeObject(T.self, from: response)
    }

    /// GET, or `nil` when not found.
    public func getIfPresent<T: KubeResource>(_ type: T.Type, name: String, namespace: String? = nil) async throws -> T? {
        do {
            return try await get(type, name: name, namespace: namespace)
        } catch let error as KubeError where error.isNotFound {
            return nil
        }
    }

    /// One page of a list (`options.limit`, `options.continueToken`). A namespaced kind with
    /// `namespace == nil` lists all namespaces.
    public func list<T: KubeResource>(_ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions()) async throws -> ObjectList<T> {
        let request = KubeHTTPRequest(method: .GET, path: T.resource.collectionPath(namespace: namespace), query: options.query)
        let response = try await send(request, verb: "list", resource: T.resource.description, idempotent: true, timeout: options.timeout)
        do {
            return try ObjectList<T>.fromWire(JSONValue(data: response.body))
        } catch {
            throw KubeError.decoding("\(T.resource.kind)List: \(error)")
        }
    }

    /// Every page of a list, following `continue` tokens. All pages come from one snapshot; the
    /// result's resourceVersion is the one to watch from. When a token expires mid-way (410, after
    /// etcd compaction) the list starts over once, as client-go's pager does.
    public func listAll<T: KubeResource>(_ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions(), pageSize: Int = 500) async throws -> ObjectList<T> {
        var restarted = false
        while true {
            var pageOptions = options
            pageOptions.limit = options.limit ?? pageSize
            var items: [T] = []
            var metadata = ListMeta()
            do {
                repeat {
                    let page = try await list(type, namespace: namespace, options: pageOptions)
                    items += page.items
                    metadata = page.metadata
                    pageOptions.continueToken = page.metadata.continue
                    // Continuation pages must not repeat the resourceVersion.
                    pageOptions.resourceVersion = nil
                } while !(pageOptions.continueToken ?? "").isEmpty
                metadata.continue = nil
                return ObjectList(metadata: metadata, items: items)
            } catch let error as KubeError where error.isGone && !restarted {
                restarted = true
                logger.info("list continuation expired; listing again", metadata: ["resource": "\(T.resource)"])
            }
        }
    }

    /// POST a new object. The namespace is the object's (`metadata.namespace`) unless given.
    public func create<T: KubeResource>(_ object: T, namespace: String? = nil, timeout: Duration? = nil) async throws -> T {
        let ns = namespace ?? object.metadata.namespace
        let request = KubeHTTPRequest(method: .POST, path: T.resource.collectionPath(namespace: ns),
                                      headers: [("Content-Type", "application/json")], body: try encodeBody(object.wireJSON()))
        let response = try await send(request, verb: "create", resource: T.resource.description, idempotent: false, timeout: timeout)
        return try decodeObject(T.self, from: response)
    }

    /// POST `object` to a subresource of an existing object, e.g. a TokenRequest to
    /// `serviceaccounts/<name>/token`; returns what the server answered.
    public func create<T: KubeResource, Parent: KubeResource>(_ object: T, subresource: String, of parent: Parent.Type, name: String, namespace: String? = nil, timeout: Duration? = nil) async throws -> T {
        let request = KubeHTTPRequest(method: .POST, path: Parent.resource.objectPath(name: name, namespace: namespace, subresource: subresource),
                                      headers: [("Content-Type", "application/json")], body: try encodeBody(object.wireJSON()))
        let response = try await send(request, verb: "create", resource: "\(Parent.resource.description)/\(subresource)", idempotent: false, timeout: timeout)
        return try decodeObject(T.self, from: response)
    }

    /// PUT an object back. Carries its `resourceVersion`, so a concurrent change since it was
    /// read fails with ``KubeError/conflict(_:)``; fields not modelled by `T` are preserved.
    public func update<T: KubeResource>(_ object: T, timeout: Duration? = nil) async throws -> T {
        try await put(object, subresource: nil, timeout: timeout)
    }

    /// PUT the `status` subresource (pods/status, nodes/status): only status changes are applied.
    public func updateStatus<T: KubeResource>(_ object: T, timeout: Duration? = nil) async throws -> T {
        try await put(object, subresource: "status", timeout: timeout)
    }

    private func put<T: KubeResource>(_ object: T, subresource: String?, timeout: Duration?) async throws -> T {
        guard let name = object.metadata.name else { throw KubeError.invalid(Status(message: "update of an object without metadata.name", code: 422)) }
        let path = T.resource.objectPath(name: name, namespace: object.metadata.namespace, subresource: subresource)
        let request = KubeHTTPRequest(method: .PUT, path: path, headers: [("Content-Type", "application/json")], body: try encodeBody(object.wireJSON()))
        // A PUT with a resourceVersion can be repeated safely: a second apply conflicts.
        let idempotent = object.metadata.resourceVersion != nil
        let response = try await send(request, verb: "update", resource: T.resource.description, idempotent: idempotent, timeout: timeout)
        return try decodeObject(T.self, from: response)
    }

    /// PATCH an object (or its `subresource`).
    public func patch<T: KubeResource>(_ type: T.Type, name: String, namespace: String? = nil, patch: Patch, subresource: String? = nil, fieldManager: String? = nil, timeout: Duration? = nil) async throws -> T {
        var query: [(name: String, value: String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        let request = KubeHTTPRequest(method: .PATCH, path: T.resource.objectPath(name: name, namespace: namespace, subresource: subresource), query: query,
                                      headers: [("Content-Type", patch.contentType)], body: try encodeBody(patch.body))
        let response = try await send(request, verb: "patch", resource: T.resource.description, idempotent: false, timeout: timeout)
        return try decodeObject(T.self, from: response)
    }

    /// DELETE an object. With `preconditionUID` the apiserver answers 409 Conflict if the name now
    /// belongs to another object. Deleting is idempotent in effect, so it is retried on 5xx.
    public func delete<T: KubeResource>(_ type: T.Type, name: String, namespace: String? = nil, options: DeleteOptions = DeleteOptions()) async throws {
        let request = KubeHTTPRequest(method: .DELETE, path: T.resource.objectPath(name: name, namespace: namespace),
                                      headers: [("Content-Type", "application/json")], body: try encodeBody(options.body))
        _ = try await send(request, verb: "delete", resource: T.resource.description, idempotent: true, timeout: options.timeout)
    }

    /// Read-modify-write with optimistic concurrency: GET, apply `mutate`, PUT; on 409 Conflict
    /// GET again and re-apply `mutate` to the fresh object (up to `maxAttempts`). `mutate` may
    /// therefore run several times and must only depend on the object it is given. Returns the
    /// object unchanged (no PUT) when `mutate` changed nothing.
    @discardableResult
    public func update<T: KubeResource & Equatable>(
        _ type: T.Type, name: String, namespace: String? = nil, subresource: String? = nil, maxAttempts: Int = 10,
        mutate: (inout T) throws -> Void
    ) async throws -> T {
        var attempt = 0
        while true {
            let current = try await get(type, name: name, namespace: namespace)
            var modified = current
            try mutate(&modified)
            if modified == current { return current }
            do {
                return subresource == "status" ? try await updateStatus(modified) : try await update(modified)
            } catch let error as KubeError where error.isConflict {
                attempt += 1
                if attempt >= maxAttempts { throw error }
                logger.debug("update conflict; retrying", metadata: ["resource": "\(T.resource)", "name": "\(name)", "attempt": "\(attempt)"])
            }
        }
    }
}
