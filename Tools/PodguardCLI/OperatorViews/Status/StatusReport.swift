import SwiftProtobuf
import Foundation
/// `podguard status`: the cluster as podguard sees it. Every field is plain data, so JSON and
/// YAML print it as it is and the table is one reading of it.
public struct StatusReport: OperatorView, Equatable {
    public var generatedAt: String
    public var pause: PauseStatus
    public var storm: StormStatus
    public var nodes: [NodeStatus]
    public var remediationsInFlight: [RemediationInFlight]
    public var nodeRemediations: [NodeRemediationStatus]

    public struct PauseStatus: Codable, Equatable, Sendable {
        /// In force now (switched on and not expired).
        public var paused: Bool
        public var by: String?
        public var reason: String?
        public var since: String?
        public var expiresAt: String?
        /// One line: "paused by alice (PowerMax upgrade) until 2024-05-01 14:00:00 UTC (in 3 h 56 min)".
        public var summary: String
    }

    public struct StormStatus: Codable, Equatable, Sendable {
        /// Remediations started and not over (non-terminal FenceRecords).
        public var remediationsInProgress: Int
        /// Nodes with a remediation in progress or a podguard taint.
        public var nodesUnderRemediation: Int
        public var nodesTotal: Int
        /// The latest alerts of podguard holding back (storm limit, outages) within the last hour.
        public var holdingBack: [HoldBack]
        public var summary: String
    }

    public struct HoldBack: Codable, Equatable, Sendable {
        public var reason: String
        public var at: String
        public var summary: String
    }

    public struct NodeStatus: Codable, Equatable, Sendable {
        public var name: String
        /// The node's Ready condition ("True", "False", "Unknown").
        public var ready: String
        /// How long the node has been not Ready; nil while Ready.
        public var notReadySeconds: Double?
        public var taints: [String]
        /// Verdict per array family ("powerflex": "LOST").
        public var connectivity: [String: String]
        /// When a LOST verdict began, per family.
        public var lostSince: [String: String]
        /// Protected pods on the node.
        public var protectedPods: Int
        /// Remediations in progress from this node.
        public var remediationsInProgress: Int
    }

    public struct RemediationInFlight: Codable, Equatable, Sendable {
        public var pod: String
        public var node: String
        public var reason: String
        public var phase: String
        public var requestedAt: String?
        public var ageSeconds: Double?
        /// Set while the remediation waits for its node to be proven safe another way.
        public var awaitingNodeRemediation: String?
        public var dryRun: Bool
    }

    public struct NodeRemediationStatus: Codable, Equatable, Sendable {
        public var node: String
        public var state: String
        /// The step running (CLIMBING) or the one that proved the node (PROVEN).
        public var step: String?
        public var ladder: String
        public var bootID: String
        public var since: String?
        /// The ladder waits for a person: `podguard approve <node>` or `podguard deny <node>`.
        public var waitingForApproval: Bool
    }
}
