import Foundation
import Kube

/// The fields of a core/v1 Node the watcher projects (see `WatchedPod` for why not `Node`).
/// Node status also carries image lists and volume lists that can be large; they are not decoded.
public typealias WatchedNode = Projected<NodeProjection>

public enum NodeProjection: ProjectionShape {
    public static let resource = Node.resource
    public static let csiNodeIDAnnotation = "csi.volume.kubernetes.io/nodeid"

    /// Keeps the labels and, of the annotations, only the CSI node-id one: node status also carries
    /// image and volume lists that can be large, and they are not decoded at all.
    public static func trim(_ metadata: inout ObjectMeta) {
        metadata.annotations = metadata.annotations?[csiNodeIDAnnotation].map { [csiNodeIDAnnotation: $0] }
        metadata.finalizers = nil
    }

    /// `spec`: taints and cordon.
    public struct Spec: Codable, Sendable, Hashable {
        public var taints: [Taint]?
        public var unschedulable: Bool?

        public init(taints: [Taint]? = nil, unschedulable: Bool? = nil) {
            self.taints = taints
            self.unschedulable = unschedulable
        }
    }

    /// `status`: conditions, addresses and the boot id.
    public struct Status: Codable, Sendable, Hashable {
        public var conditions: [NodeCondition]?
        public var addresses: [NodeAddress]?
        public var nodeInfo: Info?

        public init(conditions: [NodeCondition]? = nil, addresses: [NodeAddress]? = nil, bootID: String? = nil) {
            self.conditions = conditions
            self.addresses = addresses
            self.nodeInfo = bootID.map { Info(bootID: $0) }
        }
    }

    /// `status.nodeInfo`, the boot id only.
    public struct Info: Codable, Sendable, Hashable {
        public var bootID: String?

        public init(bootID: String? = nil) {
            self.bootID = bootID
        }
    }
}

extension WatchedNode {
    /// The `Ready` condition, if the node ever posted one.
    public var readyCondition: NodeCondition? {
        status?.conditions?.first { $0.type == "Ready" }
    }

    /// CSI node ids by driver name from the node-id annotation (a JSON map); empty if absent or
    /// not a JSON object of strings.
    public var csiNodeIDs: [String: String] {
        guard let text = metadata.annotations?[NodeProjection.csiNodeIDAnnotation],
              let map = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        else { return [:] }
        return map
    }

    public var internalIP: String? {
        status?.addresses?.first { $0.type == "InternalIP" }?.address
    }
}
