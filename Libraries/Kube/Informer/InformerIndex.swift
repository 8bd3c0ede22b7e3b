/// A secondary index of an informer's cache: the index values of each object.
public struct InformerIndex<T: KubeResource>: Sendable {
    public let name: String
    public let values: @Sendable (T) -> [String]

    public init(name: String, values: @escaping @Sendable (T) -> [String]) {
        self.name = name
        self.values = values
    }

    /// Objects by the value of one label (objects without it are not indexed).
    public static func label(_ key: String) -> InformerIndex<T> {
        InformerIndex(name: "label:\(key)") { object in
            object.metadata.labels?[key].map { [$0] } ?? []
        }
    }
}

extension InformerIndex where T == Pod {
    /// Pods by `spec.nodeName` (unbound pods are not indexed).
    public static var byNodeName: InformerIndex<Pod> {
        InformerIndex(name: "nodeName") { pod in
            pod.spec?.nodeName.map { [$0] } ?? []
        }
    }
}
