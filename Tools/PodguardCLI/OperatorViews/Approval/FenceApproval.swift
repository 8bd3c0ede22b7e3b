import SwiftProtobuf
import Foundation
public import Contracts
import Policy

/// A person's answer to a node remediation's approval step, written as the node annotation
/// fencing reads (`remediation.approvalAnnotation`, default `podguard.io/fence-approval`):
/// `approve:<bootID>` or `deny:<bootID>[:reason]`. Naming the boot makes the answer hold for that
/// boot only.
///
/// The format is Policy's `NodeApprovalAnnotation` (Libraries/Policy/NodeApprovalAnnotation+Format.swift),
/// the one fencing parses; this adds only the refusals an operator gets before anything is written.
public enum FenceApproval: Sendable, Equatable {
    case approve
    case deny(reason: String)

    public static let defaultAnnotation = NodeApprovalAnnotation.defaultName

    /// The annotation value for the node's record, or why the node cannot be answered now.
    public func annotation(node: String, record: Podguard_V1_NodeRemediationRecord?) throws(FenceApprovalError) -> String {
        guard let record else {
            throw FenceApprovalError("node \(node) has no node remediation: podguard is not waiting for an approval for it")
        }
        guard record.isWaitingForApproval else {
            let state: String
            if let step = record.currentStep {
                state = "it is at step \(step.name) of its ladder [\(record.ladderText)], not at approval"
            } else if record.state == .proven {
                state = "it is already proven safe (by \(record.provenBy.name))"
            } else {
                state = "its remediation is \(record.state.name)"
            }
            throw FenceApprovalError("node \(node) is not waiting for approval: \(state)")
        }
        guard !record.bootID.isEmpty else {
            throw FenceApprovalError("node \(node)'s remediation names no boot ID: an approval could not be tied to one boot")
        }
        switch self {
        case .approve:
            return NodeApprovalAnnotation.approve(bootID: record.bootID).value
        case .deny(let reason):
            let answer = NodeApprovalAnnotation.deny(bootID: record.bootID, reason: reason)
            // The format would carry a reason of several lines; `podguard deny` takes one line only.
            if answer.reason.contains(where: \.isNewline) { throw FenceApprovalError("the reason must be one line") }
            return answer.value
        }
    }
}

public struct FenceApprovalError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What `approve` / `deny` did, for the output.
public struct FenceApprovalResult: OperatorView, Equatable {
    public var node: String
    public var bootID: String
    public var annotation: String
    public var value: String
    public var answer: String

    public init(node: String, bootID: String, annotation: String, value: String, answer: String) {
        self.node = node
        self.bootID = bootID
        self.annotation = annotation
        self.value = value
        self.answer = answer
    }

    public var text: String {
        let effect = answer == "approve"
            ? "fencing goes on with the node's pods at its next look (the node must come back under a new boot before it is cleaned)"
            : "nothing is deleted and nothing else is tried for this boot"
        return "node \(node) (boot \(bootID)): \(answer == "approve" ? "approved" : "denied") — annotation \(annotation)=\(value); \(effect)\n"
    }
}

/// What `pause` / `resume` wrote, for the output.
public struct PauseResult: OperatorView, Equatable {
    public var pause: StatusReport.PauseStatus
    public var revision: UInt64

    public init(_ record: Podguard_V1_PauseSwitch, revision: UInt64, clock: ViewClock) {
        pause = StatusReport.pauseStatus(record, clock: clock)
        self.revision = revision
    }

    public var text: String { "\(pause.summary)\n" }
}
