import Foundation

extension Node {
    public var taints: [Taint] { spec?.taints ?? [] }

    /// The `Ready` condition, if the node ever posted one.
    public var readyCondition: NodeCondition? {
        status?.conditions?.first { $0.type == "Ready" }
    }

    /// CSI node ids by driver name, from the annotation `csi.volume.kubernetes.io/nodeid` (a JSON map).
    public var csiNodeIDs: [String: String] {
        guard let text = metadata.annotations?["csi.volume.kubernetes.io/nodeid"],
              let map = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        else { return [:] }
        return map
    }

    public var internalIP: String? {
        status?.addresses?.first { $0.type == "InternalIP" }?.address
    }
}
