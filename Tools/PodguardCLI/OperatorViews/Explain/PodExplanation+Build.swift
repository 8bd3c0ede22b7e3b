import Contracts
import Policy
import Foundation
import SwiftProtobuf

extension PodExplanation {
    /// The explanation of `records` as of `clock.now`.
    public init(_ records: PodRecords, clock: ViewClock) {
        pod = records.pod.description
        current = records.current.map { state in
            CurrentPod(uid: state.uid, node: state.nodeName, phase: state.phase.isEmpty ? "phase unknown" : state.phase,
                       ready: state.ready.name)
        }
        var builder = TimelineBuilder(clock: clock)
        for record in records.decisions {
            builder.add(record.header.producedAt, "decision", DecisionWords.sentence(record),
                        detail: record.explanation)
        }
        for record in records.fences {
            builder.addFence(record)
            let remediation = records.nodeRemediations.first {
                $0.nodeName == record.nodeName
                    && ($0.remediationID == record.awaitingNodeRemediation || $0.startedByFenceID == record.fenceID)
            }
            if let remediation { builder.addNodeRemediation(remediation) }
        }
        timeline = builder.sorted()
        outcome = Self.outcome(records, clock: clock)
    }

    static func outcome(_ records: PodRecords, clock: ViewClock) -> String {
        let latest = records.fences.max { ($0.requestedDate ?? .distantPast) < ($1.requestedDate ?? .distantPast) }
        guard let record = latest else {
            let lastDecision = records.decisions.max { $0.header.producedAt.date < $1.header.producedAt.date }
            guard let decision = lastDecision else { return "podguard has not decided anything about this pod in the last 24 h" }
            return "no remediation; the last decision (\(clock.time(decision.header.producedAt.date))): \(DecisionWords.outcome(decision))"
        }
        let started = record.request.hasDetectedAt ? record.request.detectedAt.date : record.requestedDate
        switch record.phase {
        case .podDeleted:
            guard record.hasReplacementRunningAt else {
                return "deleted from node \(record.nodeName); its replacement is not Running and Ready yet"
            }
            var text = "moved off node \(record.nodeName)"
            if !record.replacementNodeName.isEmpty { text += " to node \(record.replacementNodeName)" }
            if let started {
                text += ": \(DurationText.between(started, record.replacementRunningAt.date)) from detection to the replacement running"
            }
            if record.nodeCleanup.cleaned { text += "; node \(record.nodeName) cleaned since" }
            return text
        case .aborted:
            return "remediation aborted: \(FenceWords.abort(record.abortReason)); the pod was not deleted"
        default:
            var text = "remediation in progress: phase \(record.phase.name)"
            if let requested = record.requestedDate { text += " (requested \(clock.relative(requested)))" }
            if !record.awaitingNodeRemediation.isEmpty {
                text += ", waiting for node \(record.nodeName) to be proven safe"
                if let remediation = records.nodeRemediations.first(where: { $0.remediationID == record.awaitingNodeRemediation }),
                   remediation.isWaitingForApproval {
                    text += ": approve with `podguard approve \(record.nodeName)` once it is down"
                }
            }
            return text
        }
    }
}

/// Collects timeline entries and orders them by time (ties keep the order they were added in:
/// a record's own order).
struct TimelineBuilder {
    let clock: ViewClock
    private var entries: [(date: Date, order: Int, entry: PodExplanation.Entry)] = []

    init(clock: ViewClock) { self.clock = clock }

    mutating func add(_ timestamp: Google_Protobuf_Timestamp, _ source: String, _ text: String, detail: String? = nil) {
        add(timestamp.date, source, text, detail: detail)
    }

    mutating func add(_ date: Date, _ source: String, _ text: String, detail: String? = nil) {
        let entry = PodExplanation.Entry(at: RFC3339.string(date), source: source, text: text,
                                         detail: detail?.isEmpty == false ? detail : nil, clock: clock.time(date))
        entries.append((date, entries.count, entry))
    }

    mutating func addFence(_ record: Podguard_V1_FenceRecord) {
        let request = record.request
        if request.hasDetectedAt {
            add(request.detectedAt.date, "trigger",
                "detected on node \(record.nodeName)" + (request.detectedBy.isEmpty ? "" : " (\(request.detectedBy))"))
        }
        for transition in record.transitions where transition.hasAt {
            let source = transition.phase == .requested ? "decision" : "fencing"
            var text = FenceWords.phase(transition.phase, of: record)
            if transition.phase == .aborted, !record.abortMessage.isEmpty {
                add(transition.at.date, source, text, detail: record.abortMessage)
                continue
            }
            if !transition.message.isEmpty { text += " — \(transition.message)" }
            add(transition.at.date, source, text)
        }
        if !record.awaitingNodeRemediation.isEmpty, record.isLive {
            add(record.header.producedAt.date, "fencing",
                "the arrays could not prove node \(record.nodeName) safe: waiting for its node remediation ladder")
        }
        if record.hasReplacementRunningAt {
            add(record.replacementRunningAt.date, "replacement",
                "replacement Running and Ready" + (record.replacementNodeName.isEmpty ? "" : " on node \(record.replacementNodeName)"))
        }
        if record.nodeCleanup.cleaned, record.nodeCleanup.hasCleanedAt {
            add(record.nodeCleanup.cleanedAt.date, "cleanup", "node \(record.nodeName) cleaned of the pod (volumes unpublished, no container left)")
        } else if !record.nodeCleanup.lastMessage.isEmpty {
            add(record.header.producedAt.date, "cleanup",
                "node \(record.nodeName) not cleaned yet after \(record.nodeCleanup.attempts) attempt\(record.nodeCleanup.attempts == 1 ? "" : "s")",
                detail: record.nodeCleanup.lastMessage)
        }
    }

    mutating func addNodeRemediation(_ record: Podguard_V1_NodeRemediationRecord) {
        if record.hasStartedAt {
            add(record.startedAt.date, "node remediation",
                "node \(record.nodeName) (boot \(record.bootID)) climbs its ladder \(record.ladderName) [\(record.ladderText)]",
                detail: record.storageFailure)
        }
        for outcome in record.history where outcome.hasAt {
            add(outcome.at.date, "node remediation", "step \(outcome.step.name) \(outcome.result.words)", detail: outcome.detail)
        }
        switch record.state {
        case .climbing:
            if let step = record.currentStep, record.hasRungStartedAt {
                let waiting = step == .approval ? ": waits for a person (`podguard approve \(record.nodeName)` or `podguard deny \(record.nodeName)`)" : ""
                add(record.rungStartedAt.date, "node remediation", "step \(step.name) running\(waiting)")
            }
        case .proven where record.hasFinishedAt:
            add(record.finishedAt.date, "node remediation", "node proven safe by \(record.provenBy.name)")
        case .exhausted where record.hasFinishedAt:
            add(record.finishedAt.date, "node remediation", "every step failed, timed out or did not apply: nothing deleted")
        case .denied where record.hasFinishedAt:
            add(record.finishedAt.date, "node remediation", "a person denied fencing the node: nothing deleted")
        case .abandoned where record.hasFinishedAt:
            add(record.finishedAt.date, "node remediation", "the node came back before it was proven safe")
        default:
            break
        }
    }

    func sorted() -> [PodExplanation.Entry] {
        entries.sorted { ($0.date, $0.order) < ($1.date, $1.order) }.map(\.entry)
    }
}
