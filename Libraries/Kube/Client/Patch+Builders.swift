extension Patch {
    /// The merge patch that turns `original` into `modified` (both as they would be written).
    public static func merge<T: KubeResource>(from original: T, to modified: T) throws -> Patch {
        .merge(try original.wireJSON().mergePatch(to: modified.wireJSON()))
    }

    /// A merge patch setting (or, with `nil`, removing) labels.
    public static func labels(_ labels: [String: String?]) -> Patch {
        .merge(.object(["metadata": .object(["labels": .object(labels.mapValues { $0.map(JSONValue.string) ?? .null })])]))
    }

    /// A merge patch setting (or, with `nil`, removing) annotations.
    public static func annotations(_ annotations: [String: String?]) -> Patch {
        .merge(.object(["metadata": .object(["annotations": .object(annotations.mapValues { $0.map(JSONValue.string) ?? .null })])]))
    }
}
