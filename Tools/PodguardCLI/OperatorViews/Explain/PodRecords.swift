import SwiftProtobuf
import Foundation
public import Contracts

/// Everything the bus holds about one pod: what `explain` reads. The client gathers it.
public struct PodRecords: Sendable {
    public var pod: PodReference
    /// The watcher's latest PodState; nil when the pod is gone or not protected.
    public var current: Podguard_V1_PodState?
    /// Its DecisionRecords (stream PODGUARD_EVENTS, 24 h), any order.
    public var decisions: [Podguard_V1_DecisionRecord]
    /// The FenceRecords of every uid the pod had.
    public var fences: [Podguard_V1_FenceRecord]
    /// The node remediation records of the nodes its remediations were fenced from.
    public var nodeRemediations: [Podguard_V1_NodeRemediationRecord]

    public init(pod: PodReference, current: Podguard_V1_PodState? = nil, decisions: [Podguard_V1_DecisionRecord] = [],
                fences: [Podguard_V1_FenceRecord] = [], nodeRemediations: [Podguard_V1_NodeRemediationRecord] = []) {
        self.pod = pod
        self.current = current
        self.decisions = decisions
        self.fences = fences
        self.nodeRemediations = nodeRemediations
    }

    /// The bus knows nothing of the pod: it is not protected, gone for more than a day, or mistyped.
    public var isEmpty: Bool { current == nil && decisions.isEmpty && fences.isEmpty }
}
