import Bus
import BusService
import Contracts
import DecisionCore
import Logging
import Metrics

/// Carries out `DecisionEffect`s on the bus. Every publish carries a message id, so a retry or a
/// second decision replica publishing the same thing is stored once.
struct EffectExecutor: Sendable {
    let jetStream: JetStream
    let records: FenceRecordStore
    let subjects: PodguardSubjects
    let logger: Logger

    enum Result: Sendable {
        case done
        /// The pod's claim was not taken (key "<namespace>.<name>"): another replica holds a live
        /// FenceRecord, or the bus failed. Either way the pod is decided afresh.
        case unclaimed(podKey: String)
        case failed
    }

    func execute(_ effect: DecisionEffect) async -> Result {
        do {
            switch effect {
            case .claimAndRequest(let record, let request, let decision, let alert):
                let podKey = PodguardKeys.pod(namespace: request.pod.namespace, name: request.pod.name)
                let claimed: Bool
                do {
                    claimed = try await records.start(record)
                } catch {
                    logger.error("could not claim the pod; it will be decided again", metadata: ["pod": "\(podKey)", "error": "\(error)"])
                    return .unclaimed(podKey: podKey)
                }
                guard claimed else {
                    logger.info("another replica acts on this pod", metadata: ["pod": "\(podKey)", "uid": "\(request.pod.uid)"])
                    return .unclaimed(podKey: podKey)
                }
                // Exactly one decision replica wins the claim: it alone observes the first phase.
                DecisionMetrics.claimed(request)
                try await queue(request)
                try await publish(decision)
                try await publish(alert)
                Counter(label: "podguard_decision_requests_total", dimensions: [("reason", "\(request.reason)")]).increment()
                logger.notice("remediation requested", metadata: [
                    "pod": "\(podKey)", "node": "\(request.nodeName)", "reason": "\(request.reason)", "fence": "\(request.fenceID)"])
            case .record(let decision, let alert):
                // Every replica decides the same from the same buckets; a message id made of what
                // was decided, not of the replica's random ids, stores the record once.
                let id = Self.contentID(decision)
                try await publish(decision, messageID: "decision/\(id)")
                if let alert {
                    try await jetStream.publish(alert: alert, subjects: subjects, messageID: "alert/\(id)")
                }
            case .alert(let alert):
                try await publish(alert)
            case .requeue(let work):
                try await jetStream.publish(work, to: subjects.fenceRequest(work.nodeName), messageID: "\(work.fenceID).requeued")
                logger.warning("queued the work of an unclaimed remediation again", metadata: [
                    "pod": "\(work.pod.namespace)/\(work.pod.name)", "fence": "\(work.fenceID)"])
            case .taint(let request, let decision):
                if !request.dryRun {
                    try await jetStream.publish(request, to: subjects.taintRequest(request.nodeName), messageID: request.requestID)
                }
                try await publish(decision)
                logger.notice("node taint requested", metadata: [
                    "node": "\(request.nodeName)", "taint": "\(request.taint.key)", "action": "\(request.action)", "dryRun": "\(request.dryRun)"])
            }
            return .done
        } catch {
            // The engine decides again on the next change or tick; the claim (if taken) is in the
            // bucket, and fencing re-publishes nothing itself, so decision retries the request.
            logger.error("effect failed; will be decided again", metadata: ["error": "\(error)"])
            return .failed
        }
    }

    /// Queues the work of a started remediation: a FenceWork naming its record, which holds the
    /// request. The record is already in the bucket, where it counts as a live fence, so a failed
    /// publish is retried here (the message id makes a repeat harmless) rather than left to a later
    /// decision, which would see the record and decide "in progress".
    private func queue(_ request: Podguard_V1_FenceRequest) async throws {
        let work = Podguard_V1_FenceWork(naming: request)
        var delay = Duration.milliseconds(100)
        for attempt in 1...5 {
            do {
                try await jetStream.publish(work, to: subjects.fenceRequest(request.nodeName), messageID: request.fenceID)
                return
            } catch where attempt < 5 {
                logger.warning("could not queue the fence request; retrying", metadata: ["fence": "\(request.fenceID)", "error": "\(error)"])
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
    }

    /// Node-level decisions (taints) have no pod: they go to `decision.=.<node>` (empty namespace).
    private func publish(_ decision: Podguard_V1_DecisionRecord, messageID: String? = nil) async throws {
        let subject = subjects.decision(namespace: decision.pod.namespace, pod: decision.pod.name.isEmpty ? decision.nodeName : decision.pod.name)
        try await jetStream.publish(decision, to: subject, messageID: messageID ?? decision.decisionID)
    }

    static func contentID(_ decision: Podguard_V1_DecisionRecord) -> String {
        [decision.pod.uid, decision.nodeName, "\(decision.rule.rawValue)", "\(decision.outcome.rawValue)",
         decision.inputs.podResourceVersion, decision.inputs.nodeResourceVersion, "\(decision.inputs.connectivity.rawValue)",
         "\(decision.inputs.fencesInProgress)"].joined(separator: "/")
    }

    private func publish(_ alert: Podguard_V1_Alert) async throws {
        try await jetStream.publish(alert: alert, subjects: subjects)
    }
}
