import Foundation

extension KubeResource {
    /// Decodes an object and remembers its raw JSON for a later lossless write.
    public static func fromWire(_ json: JSONValue) throws -> Self {
        var object = try json.decode(Self.self)
        let projection = try JSONValue(encoding: object)
        object.preserved = PreservedJSON(raw: json, projection: projection)
        return object
    }

    /// Decodes an object from response bytes.
    public static func fromWire(data: some Sequence<UInt8>) throws -> Self {
        try fromWire(JSONValue(data: Data(data)))
    }

    /// The JSON to send: the raw object with the typed changes merged in (or the typed view for a
    /// new object), with `apiVersion` and `kind` set from ``resource``.
    public func wireJSON() throws -> JSONValue {
        let typed = try JSONValue(encoding: self)
        var result: JSONValue
        if let preserved {
            result = preserved.raw.mergingTypedChanges(base: preserved.projection, changed: typed)
        } else {
            result = typed
        }
        result["apiVersion"] = .string(Self.resource.apiVersion)
        result["kind"] = .string(Self.resource.kind)
        return result
    }
}
