import Foundation

extension KubeResource {
    /// Decodes an object and, unless the type opts out (``keepsRawJSON``), remembers its raw JSON
    /// for a later lossless write.
    public static func fromWire(_ json: JSONValue) throws -> Self {
        var object = try json.decode(Self.self)
        if keepsRawJSON { object.preserved = PreservedJSON(raw: json) }
        return object
    }

    /// Decodes an object from response bytes.
    public static func fromWire(data: some Sequence<UInt8>) throws -> Self {
        try fromWire(JSONValue(bytes: Array(data)))
    }

    /// The JSON to send: the raw object with the typed changes merged in (or the typed view for a
    /// new object), with `apiVersion` and `kind` set from ``resource``.
    public func wireJSON() throws -> JSONValue {
        let typed = try JSONValue(encoding: self)
        var result: JSONValue
        if let preserved {
            let projection = try JSONValue(encoding: preserved.raw.decode(Self.self))
            result = preserved.raw.mergingTypedChanges(base: projection, changed: typed)
        } else {
            result = typed
        }
        result["apiVersion"] = .string(Self.resource.apiVersion)
        result["kind"] = .string(Self.resource.kind)
        return result
    }
}
