import Contracts
import SwiftProtobuf

/// A snapshot message the watcher keeps in a bucket: NodeState or PodState.
public protocol MirroredState: SwiftProtobuf.Message, Equatable, Sendable {
    /// The Kubernetes uid of the object the snapshot was taken from.
    var objectUID: String { get }
    /// The snapshot without what changes on every projection (header, observation time): two
    /// snapshots with equal content need not be written twice.
    var content: Self { get }
}

extension Podguard_V1_NodeState: MirroredState {
    public var objectUID: String { uid }

    public var content: Self {
        var copy = self
        copy.clearHeader()
        copy.clearObservedAt()
        return copy
    }
}

extension Podguard_V1_PodState: MirroredState {
    public var objectUID: String { uid }

    public var content: Self {
        var copy = self
        copy.clearHeader()
        copy.clearObservedAt()
        return copy
    }
}
