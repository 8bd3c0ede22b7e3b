extension WatchEvent {
    /// Decodes one line of a watch stream. An `ERROR` event becomes the ``KubeError`` it carries
    /// (code 410 → ``KubeError/gone(_:)``: the resourceVersion was compacted, relist).
    public static func fromWire(line: JSONValue) throws -> WatchEvent<T> {
        guard let type = line["type"]?.stringValue, let object = line["object"] else {
            throw KubeError.decoding("watch event without type or object")
        }
        switch type {
        case "ADDED": return .added(try T.fromWire(object))
        case "MODIFIED": return .modified(try T.fromWire(object))
        case "DELETED": return .deleted(try T.fromWire(object))
        case "BOOKMARK": return .bookmark(resourceVersion: object["metadata"]?["resourceVersion"]?.stringValue ?? "")
        case "ERROR":
            let status = (try? object.decode(Status.self)) ?? Status(message: "watch error without status", code: 500)
            throw KubeError.from(status: status)
        default:
            throw KubeError.decoding("unknown watch event type \(type)")
        }
    }
}
