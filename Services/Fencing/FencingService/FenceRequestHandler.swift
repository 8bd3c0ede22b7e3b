import Bus
import BusService
import Contracts
import FencingCore
import Foundation
import Logging
import Policy
import SwiftProtobuf

/// Works on one delivered FenceWork: claims the FenceRecord it names (unless another live replica
/// owns it), runs the remediation state machine from the recorded phase on the request the record
/// holds, and acknowledges only once the record is terminal; a transient failure hands the work
/// back with a delay. The record is authoritative: work whose record is gone or belongs to another
/// remediation is acknowledged at once.
struct FenceRequestHandler: FencingComponent {
    let context: FencingContext
    let executor: RemediationExecutor
    /// Joins a node's remediation when the arrays cannot prove it safe; nil: no ladder beyond the
    /// storage fence (podmon's behaviour: such a remediation aborts).
    let nodeProof: NodeProofJoin?

    func handle(_ message: JetStreamMessage) async {
        let work: Podguard_V1_FenceWork
        do {
            work = try message.decode(as: Podguard_V1_FenceWork.self)
        } catch {
            await reject(message, why: "\(error)")
            return
        }
        if let problem = Self.problem(work) {
            await reject(message, why: problem)
            return
        }
        var logger = logger
        logger[metadataKey: "fence"] = "\(work.fenceID)"
        logger[metadataKey: "pod"] = "\(work.pod.namespace)/\(work.pod.name)"
        logger[metadataKey: "node"] = "\(work.nodeName)"

        // Keep the request ours while a step takes long (a pending unpublish can take minutes).
        let heartbeat = Task { [ackWait = settings.ackWait] in
            while !Task.isCancelled {
                try? await Task.sleep(for: ackWait / 3)
                guard !Task.isCancelled else { return }
                try? message.inProgress()
            }
        }
        defer { heartbeat.cancel() }

        do {
            guard var tracked = try await claim(work, message: message, logger: logger) else { return }
            await run(&tracked, message: message, logger: logger)
        } catch {
            logger.warning("could not read or claim the FenceRecord; retrying later", metadata: ["error": "\(error)"])
            settle(message, .nak(settings.backoff.initial), logger: logger)
        }
    }

    /// What makes a work item impossible to act on, if anything.
    static func problem(_ work: Podguard_V1_FenceWork) -> String? {
        if work.fenceID.isEmpty { return "fence_id is empty" }
        if work.pod.uid.isEmpty { return "pod uid is empty" }
        return nil
    }

    /// What makes the request a record holds impossible to carry out, if anything.
    static func problem(_ request: Podguard_V1_FenceRequest, of record: Podguard_V1_FenceRecord) -> String? {
        if request.fenceID != record.fenceID { return "its request belongs to fence '\(request.fenceID)', not the record's \(record.fenceID)" }
        if request.pod.uid != record.pod.uid || request.pod.name.isEmpty || request.pod.namespace.isEmpty {
            return "its request names another pod or none"
        }
        if request.nodeName.isEmpty { return "its request's node_name is empty" }
        if request.reason == .unspecified { return "its request's reason is unspecified" }
        return nil
    }

    // MARK: Claim

    /// The record to work on, owned by this replica (or finished); nil when the message was settled
    /// instead.
    private func claim(_ work: Podguard_V1_FenceWork, message: JetStreamMessage, logger: Logger) async throws -> TrackedRecord? {
        let key = FenceRecordStore.key(podUID: work.pod.uid)
        let ownership: FenceRecordStore.Ownership
        do {
            ownership = try await fences.own(key: key, identity: work.fenceID, worker: messages.producerID,
                                             takeoverAfter: settings.takeoverAfter, now: { Date() },
                                             refuse: { Self.problem($0.request, of: $0) }) { [messages] record in
                record.attempts += 1
                messages.stamp(&record, at: Date())
            }
        } catch RecordStoreError.tooManyConflicts {
            settle(message, .nak(settings.backoff.initial), logger: logger)
            return nil
        }
        switch ownership {
        case .missing:
            // decision writes the record before the work; without it there is nothing to carry
            // out (deleted by hand, a bucket lost), and decision starts afresh if still needed.
            logger.notice("no FenceRecord for this work; nothing to do")
            settle(message, .ack, logger: logger)
            return nil
        case .otherRemediation(let entry):
            // decision replaced the record (a newer remediation of this pod uid): this work is stale.
            logger.info("stale work: the pod's FenceRecord belongs to another remediation",
                        metadata: ["recordFence": "\(entry.record.fenceID)"])
            settle(message, .ack, logger: logger)
            return nil
        case .refused(_, let problem):
            // Refused before anyone owns it: nothing is written.
            await reject(message, why: "FenceRecord \(key) cannot be carried out: \(problem)")
            return nil
        case .ownedElsewhere(let owner, let wait):
            logger.info("another live replica works on this remediation; handing the work back", metadata: ["owner": "\(owner)"])
            settle(message, .nak(wait), logger: logger)
            return nil
        case .finished(let entry):
            return TrackedRecord(record: entry.record, revision: entry.revision, store: fences, messages: messages)
        case .owned(let entry):
            if entry.record.attempts > 1 {
                logger.notice("resuming remediation", metadata: ["phase": "\(entry.record.phase)", "attempt": "\(entry.record.attempts)"])
            }
            return TrackedRecord(record: entry.record, revision: entry.revision, store: fences, messages: messages)
        }
    }

    // MARK: Run

    private func run(_ tracked: inout TrackedRecord, message: JetStreamMessage, logger: Logger) async {
        var machine = RemediationStateMachine(record: tracked.record, maxRetries: settings.maxRetries, backoff: settings.backoff,
                                              ladderAvailable: nodeProof != nil)
        var scratch = RemediationExecutor.Scratch()
        var note = ""
        var stepStarted = ContinuousClock.now
        var currentStep = RemediationStep.checkSafety
        var action = machine.start()
        while true {
            switch action {
            case .perform(let step):
                currentStep = step
                stepStarted = ContinuousClock.now
                logger.debug("performing step", metadata: ["step": "\(step)"])
                let outcome = await executor.perform(step, tracked: &tracked, scratch: &scratch) { [machine] tracked in
                    if machine.progressed() == .recordProgress { try await tracked.write() }
                }
                if case .succeeded(let stepNote) = outcome { note = stepNote }
                if case .podGone(let stepNote) = outcome { note = stepNote }
                action = machine.stepCompleted(outcome)

            case .record(let phase):
                let before = tracked.record
                do {
                    try await tracked.enter(phase, note: note)
                } catch {
                    return lostRecord(error, message: message, logger: logger)
                }
                metrics.phase(phase, took: ContinuousClock.now - stepStarted)
                // This replica's compare-and-set recorded the phase: it alone observes what it ended.
                metrics.failoverPhases(FailoverMoments.completed(before: before, after: tracked.record), of: tracked.record)
                logger.info("phase recorded", metadata: ["phase": "\(phase)", "note": "\(note)"])
                action = machine.persisted()

            case .recordProgress:
                preconditionFailure("recordProgress is answered inside the step that asked for it")

            case .recordDeleteIntent:
                tracked.record.podDeleteIssuedAt = Google_Protobuf_Timestamp(date: Date())
                do {
                    try await tracked.write()
                } catch {
                    return lostRecord(error, message: message, logger: logger)
                }
                action = machine.persisted()

            case .awaitNodeProof(let reason, let unproven):
                guard let nodeProof else { preconditionFailure("awaitNodeProof without a ladder") }
                let result: NodeProofJoin.Result
                do {
                    result = try await nodeProof.join(tracked.record, liveNode: scratch.liveNode, storageFailure: unproven, logger: logger)
                } catch {
                    logger.warning("could not start or read the node's remediation; retrying later", metadata: ["error": "\(error)"])
                    return settle(message, .nak(settings.backoff.initial), logger: logger)
                }
                switch result {
                case .waiting(let remediationID):
                    // Released while it waits: whichever replica the work comes back to goes on.
                    if tracked.record.awaitingNodeRemediation != remediationID || !tracked.record.owner.isEmpty {
                        tracked.record.awaitingNodeRemediation = remediationID
                        tracked.record.owner = ""
                        tracked.record.clearOwnerRenewedAt()
                        do {
                            try await tracked.writeReleased()
                        } catch {
                            return lostRecord(error, message: message, logger: logger)
                        }
                        logger.notice("the arrays cannot prove the node safe; waiting for its remediation ladder",
                                      metadata: ["reason": "\(reason.name)", "remediation": "\(remediationID)"])
                    }
                    return settle(message, .nak(settings.remediation.pollInterval), logger: logger)
                case .held(let why):
                    logger.warning("the node's remediation ladder is held back by the storm limit", metadata: ["why": "\(why)"])
                    await publishLogged(messages.nodeRemediationHeldAlert(node: tracked.record.nodeName, why: why, now: Date()))
                    return settle(message, .nak(settings.remediation.pollInterval), logger: logger)
                case .notProven(let abortReason, let why):
                    action = machine.nodeNotProvenSafe("\(unproven); \(why)", reason: abortReason)
                }

            case .retry(let delay, let reason):
                tracked.record.retries = UInt32(clamping: machine.retries)
                tracked.record.lastRetryError = reason
                try? await tracked.write()
                metrics.retried(currentStep)
                logger.warning("step failed for now; retrying later", metadata: [
                    "step": "\(currentStep)", "retry": "\(machine.retries)", "delay": "\(delay)", "error": "\(reason)"])
                return settle(message, .nak(delay), logger: logger)

            case .abort(let reason, let abortMessage, let recordEvent):
                let request = tracked.record.request
                if recordEvent, let text = EventTexts.aborted(reason, podUID: request.pod.uid, node: request.nodeName) {
                    _ = await executor.kube.recordEvent(on: request.pod, reason: EventTexts.reason(request.reason), note: text)
                }
                tracked.record.abortReason = reason
                tracked.record.abortMessage = abortMessage
                tracked.record.dryRun = machine.dryRun
                do {
                    try await tracked.enter(.aborted, note: abortMessage)
                } catch {
                    return lostRecord(error, message: message, logger: logger)
                }
                logger.warning("remediation aborted", metadata: ["reason": "\(reason.name)",
                                                                 "message": "\(abortMessage)"])
                if reason != .dryRun { metrics.failover(tracked.record, success: false) }
                return await finish(tracked.record, message: message, logger: logger)

            case .complete:
                metrics.failover(tracked.record, success: true)
                logger.notice("remediation completed: pod deleted")
                return await finish(tracked.record, message: message, logger: logger)

            case .alreadyFinished:
                return await finish(tracked.record, message: message, logger: logger)
            }
        }
    }

    /// Alerts about a terminal record (again, after a redelivery: the alert id deduplicates it) and
    /// acknowledges the request. If the alert cannot be published the request comes back, so the
    /// alert is never lost.
    private func finish(_ record: Podguard_V1_FenceRecord, message: JetStreamMessage, logger: Logger) async {
        let alert = messages.outcomeAlert(record, now: Date())
        do {
            try await jetStream.publish(alert: alert, subjects: subjects)
            settle(message, .ack, logger: logger)
        } catch {
            logger.warning("could not publish the outcome alert; the request will be redelivered", metadata: ["error": "\(error)"])
            settle(message, .nak(settings.backoff.initial), logger: logger)
        }
    }

    /// Another writer changed the record (or the bucket is unavailable): stop, and let the
    /// redelivered request start over from what the bucket holds.
    private func lostRecord(_ error: any Error, message: JetStreamMessage, logger: Logger) {
        logger.warning("could not record progress; the request will be redelivered", metadata: ["error": "\(error)"])
        settle(message, .nak(settings.backoff.initial), logger: logger)
    }

    private func reject(_ message: JetStreamMessage, why: String) async {
        logger.error("rejecting fence work that cannot be acted on", metadata: ["subject": "\(message.subject)", "why": "\(why)"])
        let alert = messages.rejectedAlert(subject: message.subject, sequence: message.metadata.streamSequence, why: why, now: Date())
        _ = try? await jetStream.publish(alert: alert, subjects: subjects)
        settle(message, .term, logger: logger)
    }
}

/// How a delivered message is settled.
enum Settlement: Sendable, Equatable {
    case ack
    case nak(Duration)
    case term
}

func settle(_ message: JetStreamMessage, _ settlement: Settlement, logger: Logger) {
    do {
        switch settlement {
        case .ack: try message.ack()
        case .nak(let delay): try message.nak(delay: delay)
        case .term: try message.term()
        }
    } catch {
        // The server redelivers after the ack wait; the record keeps the work idempotent.
        logger.warning("could not settle the message", metadata: ["subject": "\(message.subject)", "error": "\(error)"])
    }
}
