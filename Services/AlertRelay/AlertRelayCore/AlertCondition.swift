public import Contracts

/// A condition an Alert opens and a later Alert closes: a remediation under way, an outage, a
/// pause, a node's remediation ladder. In Alertmanager it fires from the opening Alert until the
/// closing one resolves it; every other Alert is an event (docs/alert-relay.md).
public struct AlertCondition: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A pod's remediation, from FenceRequested to its outcome (key: the fence id).
        case remediation
        /// An array family's outage (key: the family).
        case arrayOutage = "array-outage"
        /// A CSI driver's outage (key: the driver).
        case driverOutage = "driver-outage"
        /// The pause switch (one per installation).
        case pause
        /// A node's remediation ladder being climbed (key: the node).
        case nodeRemediation = "node-remediation"
        /// A node waiting for a person's approval (key: the node).
        case nodeApproval = "node-approval"
        /// A returned node whose cleanup keeps the podguard taint (key: the node).
        case cleanupBlocked = "cleanup-blocked"
    }

    public var kind: Kind
    /// What tells two conditions of a kind apart (empty for the pause).
    public var subject: String

    public init(_ kind: Kind, _ subject: String) {
        self.kind = kind
        self.subject = subject
    }

    public var description: String { subject.isEmpty ? kind.rawValue : "\(kind.rawValue) \(subject)" }
}

/// What one Alert does to the conditions: opens one, closes some, or neither (an event). An Alert
/// may close and be an event at once (FenceAborted ends the remediation and needs a person).
public struct AlertLifecycle: Equatable, Sendable {
    public var opens: AlertCondition?
    public var closes: [AlertCondition]

    public static let event = AlertLifecycle(opens: nil, closes: [])

    /// The lifecycle of `alert`, from its reason (the runbook's catalog, docs/operations.md) and the
    /// fields that name what it is about. An opener or closer without those fields is an event: it
    /// cannot be matched, so it must not fire for ever.
    public static func of(_ alert: Podguard_V1_Alert) -> AlertLifecycle {
        let node = alert.nodeName
        let fence = alert.fenceID
        let family = alert.family == .unspecified ? "" : PodguardSubjects.token(alert.family)
        let driver = alert.labels["driver"] ?? ""
        func opens(_ kind: AlertCondition.Kind, _ subject: String) -> AlertLifecycle {
            subject.isEmpty ? .event : AlertLifecycle(opens: AlertCondition(kind, subject), closes: [])
        }
        func closes(_ conditions: [(AlertCondition.Kind, String)]) -> AlertLifecycle {
            AlertLifecycle(opens: nil, closes: conditions.filter { !$0.1.isEmpty }.map { AlertCondition($0.0, $0.1) })
        }
        switch alert.reason {
        case "FenceRequested", "CrashLoopDeleteRequested":
            return opens(.remediation, fence)
        case "FenceCompleted", "FenceAborted", "FenceDryRun", "CrashLoopPodDeleted":
            return closes([(.remediation, fence)])
        case "ArrayOutage":
            return opens(.arrayOutage, family)
        case "ArrayOutageOver":
            return closes([(.arrayOutage, family)])
        case "DriverOutage":
            return opens(.driverOutage, driver)
        case "DriverOutageOver":
            return closes([(.driverOutage, driver)])
        case "PodguardPaused":
            return AlertLifecycle(opens: AlertCondition(.pause, ""), closes: [])
        case "PodguardResumed":
            return AlertLifecycle(opens: nil, closes: [AlertCondition(.pause, "")])
        case "NodeRemediationStarted":
            return opens(.nodeRemediation, node)
        case "NodeFenceApprovalRequired":
            return opens(.nodeApproval, node)
        case "NodeProvenSafe", "NodeRemediationExhausted", "NodeFenceDenied", "NodeRemediationAbandoned":
            return closes([(.nodeRemediation, node), (.nodeApproval, node)])
        case "CleanupBlocked":
            return opens(.cleanupBlocked, node)
        case "TaintRemoved" where alert.header.producerID.hasPrefix("node-cleanup/"):
            // node-cleanup's TaintRemoved is the node back in service; fencing's is a taint request.
            return closes([(.cleanupBlocked, node)])
        default:
            return .event
        }
    }
}
