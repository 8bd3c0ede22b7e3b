public import Contracts
public import Foundation
public import Policy
public import SwiftProtobuf

/// Builds the contract messages node-cleanup writes. Deterministic given its inputs and ids.
public struct CleanupMessageFactory: MessageProducer, Sendable {
    public let producerID: String
    public let version: String
    public let makeID: @Sendable () -> String

    public init(producerID: String, version: String, makeID: @escaping @Sendable () -> String) {
        self.producerID = producerID
        self.version = version
        self.makeID = makeID
    }

    /// The report's JetStream message id: the bus contract's `<node uid>.<boot id>.<attempt>`, plus
    /// the start time so a new taint episode under the same boot id never collides with the last.
    public static func messageID(_ report: Podguard_V1_CleanupReport) -> String {
        let started = Int64((report.startedAt.date.timeIntervalSince1970 * 1000).rounded())
        return "cleanup/\(report.nodeUid).\(report.bootID).\(report.attempt).\(started)"
    }

    public func alert(severity: Podguard_V1_Severity, reason: String, node: String, summary: String, details: String = "",
               pod: Podguard_V1_ObjectRef? = nil, record: Podguard_V1_FenceRecord? = nil, labels: [String: String] = [:],
               now: Date) -> Podguard_V1_Alert {
        alert(id: makeID(), severity: severity, reason: reason, summary: summary, details: details, node: node, pod: pod,
              decisionID: record?.decisionID ?? "", fenceID: record?.fenceID ?? "", labels: labels, at: now)
    }

    public static func outcome(_ status: CleanupPolicy.PodStatus) -> (Podguard_V1_PodCleanup.Outcome, message: String) {
        switch status {
        case .cleaned: (.cleaned, "")
        case .ignoredStillScheduledHere: (.ignoredRunningHere, "Kubernetes runs the pod on this node again: not cleaned, not blocking")
        case .ignoredVolumeless: (.ignoredVolumeless, "no volumes and cleanup.ignoreVolumelessPods is set")
        case .skippedContainerRunning(let containers): (.skippedContainerRunning, "still executing on this node: \(containers)")
        case .skippedStillPresent: (.skippedStillPresent, "a pod with the same name and uid still exists")
        case .skippedContainersUnknown(let why): (.skippedContainersUnknown, "containers unknown: \(why)")
        case .skippedFenceInProgress: (.skippedFenceInProgress, "fencing has not finished")
        case .skippedAwaitingReboot(let bootID): (.skippedAwaitingReboot, "powered off by the fence agent in boot \(bootID), back without a new boot")
        case .failed(let error): (.failed, error)
        }
    }

    /// A metric label for a pod status.
    public static func label(_ outcome: Podguard_V1_PodCleanup.Outcome) -> String {
        switch outcome {
        case .cleaned: "cleaned"
        case .skippedStillPresent: "skipped_still_present"
        case .skippedContainerRunning: "skipped_container_running"
        case .ignoredRunningHere: "ignored_running_here"
        case .ignoredVolumeless: "ignored_volumeless"
        case .failed: "failed"
        case .skippedFenceInProgress: "skipped_fence_in_progress"
        case .skippedContainersUnknown: "skipped_containers_unknown"
        case .skippedAwaitingReboot: "skipped_awaiting_reboot"
        case .unspecified, .UNRECOGNIZED: "unknown"
        }
    }

    public static func describe(_ error: Podguard_V1_AdapterError) -> String {
        let kind = "\(error.kind)".uppercased()
        return error.message.isEmpty ? kind : "\(kind): \(error.message)"
    }
}
