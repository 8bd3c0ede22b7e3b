import Contracts
import FencingCore
import FencingService
import SwiftProtobuf
import Testing

@Suite("RemediationStateMachine: pure transitions")
struct RemediationStateMachineTests {
    /// Drives a machine with `outcome(step)` for every step and `persisted()` for every write, and
    /// returns every action in order.
    static func drive(_ machine: inout RemediationStateMachine, limit: Int = 40,
                      outcome: (RemediationStep) -> StepOutcome = { _ in .succeeded(note: "") }) -> [RemediationAction] {
        var actions: [RemediationAction] = []
        var action = machine.start()
        for _ in 0..<limit {
            actions.append(action)
            switch action {
            case .perform(let step): action = machine.stepCompleted(outcome(step))
            case .record, .recordDeleteIntent: action = machine.persisted()
            case .abort, .retry, .complete, .alreadyFinished, .awaitNodeProof: return actions
            case .recordProgress:
                Issue.record("recordProgress outside a running fence step")
                return actions
            }
        }
        Issue.record("machine did not stop: \(actions)")
        return actions
    }

    @Test("a volume cut off while the fence step runs is recorded at once: the machine asks for the write, the step goes on")
    func progressWhileFencing() {
        var machine = RemediationStateMachine(phase: .requested, plan: .fence)
        var action = machine.start()
        while case .perform(let step) = action, step != .fence { action = machine.stepCompleted(.succeeded(note: "")) }
        if case .record = action { action = machine.persisted() }
        #expect(action == .perform(.fence))
        #expect(machine.progressed() == .recordProgress)
        #expect(machine.state == .running(.fence))
    }

    @Test("a fence: checks, fence, taint, Event, the delete intent, the delete, then the attachments and a second unpublish")
    func happyPath() {
        var machine = RemediationStateMachine(phase: .requested, plan: .fence)
        #expect(Self.drive(&machine) == [
            .perform(.checkSafety), .perform(.validate), .record(.validated), .perform(.fence), .record(.fenced),
            .perform(.taint), .record(.tainted), .perform(.recordEvent), .record(.eventRecorded),
            .recordDeleteIntent, .perform(.deletePod), .perform(.deleteAttachments), .record(.attachmentsDeleted),
            .perform(.confirmFenced), .record(.podDeleted), .complete,
        ])
        #expect(machine.state == .finished)
        #expect(machine.phase == .podDeleted)
    }

    @Test("CrashLoopBackOff: Event, then the delete; no fencing")
    func crashLoop() {
        var machine = RemediationStateMachine(phase: .requested, plan: .crashLoopDelete)
        #expect(Self.drive(&machine) == [
            .perform(.checkSafety), .perform(.recordEvent), .record(.eventRecorded), .recordDeleteIntent,
            .perform(.deletePod), .record(.podDeleted), .complete,
        ])
    }

    /// Phase, delete issued, and the whole rest of the delivery: the live checks always come first.
    static let resumes: [(Podguard_V1_FencePhase, Bool, [RemediationAction])] = [
        (.requested, false, [.perform(.validate), .record(.validated), .perform(.fence), .record(.fenced), .perform(.taint)]),
        (.validated, false, [.perform(.validate), .perform(.fence), .record(.fenced), .perform(.taint)]),
        (.fenced, false, [.perform(.validate), .perform(.fence), .perform(.taint), .record(.tainted)]),
        (.tainted, false, [.perform(.validate), .perform(.fence), .perform(.recordEvent), .record(.eventRecorded)]),
        (.eventRecorded, false, [.perform(.validate), .perform(.fence), .recordDeleteIntent, .perform(.deletePod)]),
        (.eventRecorded, true, [.perform(.validate), .perform(.fence), .perform(.deletePod), .perform(.deleteAttachments)]),
        (.attachmentsDeleted, true, [.perform(.validate), .perform(.fence), .perform(.deletePod), .perform(.deleteAttachments),
                                     .perform(.confirmFenced), .record(.podDeleted)]),
    ]

    @Test("a redelivered request re-checks live whatever its record shows, then skips only the writes already recorded",
          arguments: resumes)
    func resume(_ phase: Podguard_V1_FencePhase, _ deleteIssued: Bool, _ rest: [RemediationAction]) {
        var machine = RemediationStateMachine(phase: phase, plan: .fence, deleteIssued: deleteIssued)
        #expect(machine.start() == .perform(.checkSafety))
        var actions: [RemediationAction] = []
        var action = machine.stepCompleted(.succeeded(note: ""))
        while actions.count < rest.count {
            actions.append(action)
            switch action {
            case .perform: action = machine.stepCompleted(.succeeded(note: ""))
            case .record, .recordDeleteIntent: action = machine.persisted()
            default: break
            }
        }
        #expect(actions == rest)
    }

    @Test("a forged or stale record at FENCED cannot spare the checks: a Ready pod or a connected array aborts")
    func forgedRecord() {
        var ready = RemediationStateMachine(phase: .fenced, plan: .fence)
        #expect(ready.start() == .perform(.checkSafety))
        #expect(ready.stepCompleted(.failed(.safetyCheckFailed, "pod is Ready"))
                == .abort(.safetyCheckFailed, message: "pod is Ready", recordEvent: true))

        var connected = RemediationStateMachine(phase: .fenced, plan: .fence)
        _ = connected.start()
        #expect(connected.stepCompleted(.succeeded(note: "")) == .perform(.validate))
        #expect(connected.stepCompleted(.failed(.arrayConnectedOrIo, "connected"))
                == .abort(.arrayConnectedOrIo, message: "connected", recordEvent: true))
    }

    @Test("EVENT_RECORDED without the intent records the intent first")
    func intentFirst() {
        var machine = RemediationStateMachine(phase: .eventRecorded, plan: .fence)
        _ = machine.start()
        #expect(machine.stepCompleted(.succeeded(note: "")) == .perform(.validate))
        #expect(machine.stepCompleted(.succeeded(note: "")) == .perform(.fence))
        #expect(machine.stepCompleted(.succeeded(note: "")) == .recordDeleteIntent)
        #expect(machine.persisted() == .perform(.deletePod))
        #expect(machine.deleteIssued)
    }

    @Test("a terminal record is only acknowledged", arguments: [Podguard_V1_FencePhase.podDeleted, .aborted])
    func terminal(_ phase: Podguard_V1_FencePhase) {
        var machine = RemediationStateMachine(phase: phase, plan: .fence)
        #expect(machine.start() == .alreadyFinished)
        #expect(machine.state == .finished)
    }

    @Test("a pod gone before the delete intent is POD_REPLACED (no Event); after it, the steps after the delete follow")
    func podGone() {
        var before = RemediationStateMachine(phase: .tainted, plan: .fence)
        _ = before.start()
        #expect(before.stepCompleted(.podGone("gone")) == .abort(.podReplaced, message: "gone", recordEvent: false))

        var after = RemediationStateMachine(phase: .eventRecorded, plan: .fence, deleteIssued: true)
        _ = after.start()
        #expect(after.stepCompleted(.podGone("replaced")) == .perform(.deleteAttachments))
        #expect(after.stepCompleted(.succeeded(note: "")) == .record(.attachmentsDeleted))
        #expect(after.persisted() == .perform(.confirmFenced))
        #expect(after.stepCompleted(.succeeded(note: "")) == .record(.podDeleted))
        #expect(after.persisted() == .complete)

        var crashLoop = RemediationStateMachine(phase: .eventRecorded, plan: .crashLoopDelete, deleteIssued: true)
        _ = crashLoop.start()
        #expect(crashLoop.stepCompleted(.podGone("deleted")) == .record(.podDeleted))
    }

    @Test("after the delete nothing aborts: failures go on to POD_DELETED, transient ones retry past the limit")
    func afterTheDelete() {
        var failing = RemediationStateMachine(phase: .eventRecorded, plan: .fence, deleteIssued: true)
        _ = failing.start()
        #expect(failing.stepCompleted(.podGone("deleted")) == .perform(.deleteAttachments))
        #expect(failing.stepCompleted(.failed(.attachmentDeleteFailed, "forbidden")) == .perform(.confirmFenced))
        #expect(failing.stepCompleted(.failed(.fenceFailed, "permanent")) == .record(.podDeleted))

        var retrying = RemediationStateMachine(phase: .attachmentsDeleted, plan: .fence, deleteIssued: true, retries: 10, maxRetries: 10)
        _ = retrying.start()
        #expect(retrying.stepCompleted(.podGone("deleted")) == .perform(.deleteAttachments))
        #expect(retrying.stepCompleted(.succeeded(note: "")) == .perform(.confirmFenced))
        guard case .retry = retrying.stepCompleted(.transient(.unavailable, "adapter down", after: nil)) else {
            Issue.record("expected a retry after the delete, whatever the count")
            return
        }
    }

    @Test("a failed step aborts with its reason and podmon's Event")
    func failed() {
        var machine = RemediationStateMachine(phase: .requested, plan: .fence)
        _ = machine.start()
        _ = machine.stepCompleted(.succeeded(note: ""))
        #expect(machine.stepCompleted(.failed(.arrayConnectedOrIo, "connected"))
                == .abort(.arrayConnectedOrIo, message: "connected", recordEvent: true))
    }

    @Test("transient failures are retried with a growing delay (at least the dependency's hint), then abort")
    func retries() {
        let backoff = RetryBackoff(initial: .seconds(1), maximum: .seconds(4))
        var first = RemediationStateMachine(phase: .validated, plan: .fence, maxRetries: 3, backoff: backoff)
        _ = first.start()
        _ = first.stepCompleted(.succeeded(note: ""))
        _ = first.stepCompleted(.succeeded(note: ""))
        #expect(first.stepCompleted(.transient(.pending, "pending", after: nil)) == .retry(after: .seconds(1), reason: "pending"))
        #expect(first.retries == 1)
        #expect(first.state == .suspended)

        var third = RemediationStateMachine(phase: .validated, plan: .fence, retries: 2, maxRetries: 3, backoff: backoff)
        _ = third.start()
        _ = third.stepCompleted(.succeeded(note: ""))
        _ = third.stepCompleted(.succeeded(note: ""))
        #expect(third.stepCompleted(.transient(.pending, "p", after: .seconds(30))) == .retry(after: .seconds(30), reason: "p"))

        var used = RemediationStateMachine(phase: .validated, plan: .fence, retries: 3, maxRetries: 3, backoff: backoff)
        _ = used.start()
        _ = used.stepCompleted(.succeeded(note: ""))
        _ = used.stepCompleted(.succeeded(note: ""))
        #expect(used.stepCompleted(.transient(.pending, "p", after: nil))
                == .abort(.fenceFailed, message: "gave up after 3 retries: p", recordEvent: true))
    }

    /// Phase, how many successful steps lead to the failing one, the cause, the abort reason.
    static let exhausted: [(Podguard_V1_FencePhase, Int, TransientCause, Podguard_V1_AbortReason)] = [
        (.requested, 1, .unavailable, .csiUnavailable),      // validate
        (.requested, 1, .pending, .validationError),
        (.validated, 2, .unavailable, .csiUnavailable),      // fence
        (.validated, 2, .pending, .fenceFailed),
        (.fenced, 3, .unavailable, .taintFailed),
        (.eventRecorded, 3, .unavailable, .podDeleteFailed),   // the intent is recorded first, then the delete
    ]

    @Test("the abort reason when retries are used up depends on the step and the cause", arguments: exhausted)
    func exhaustedReason(_ phase: Podguard_V1_FencePhase, _ before: Int, _ cause: TransientCause, _ reason: Podguard_V1_AbortReason) {
        var machine = RemediationStateMachine(phase: phase, plan: .fence, maxRetries: 0)
        var action = machine.start()
        var succeeded = 0
        while succeeded < before {
            switch action {
            case .perform: action = machine.stepCompleted(.succeeded(note: "")); succeeded += 1
            case .record, .recordDeleteIntent: action = machine.persisted()
            default: Issue.record("unexpected \(action)"); return
            }
        }
        if case .recordDeleteIntent = action { action = machine.persisted() }
        guard case .perform = action, case .abort(let got, _, true) = machine.stepCompleted(.transient(cause, "x", after: nil)) else {
            Issue.record("expected an abort")
            return
        }
        #expect(got == reason)
    }

    @Test("the safety check's own transient failure, used up, is SAFETY_CHECK_FAILED")
    func safetyUnavailable() {
        var machine = RemediationStateMachine(phase: .requested, plan: .fence, maxRetries: 0)
        _ = machine.start()
        #expect(machine.stepCompleted(.transient(.unavailable, "apiserver", after: nil))
                == .abort(.safetyCheckFailed, message: "gave up after 0 retries: apiserver", recordEvent: true))
    }

    @Test("an Event that cannot be written never blocks the remediation")
    func eventFailure() {
        var machine = RemediationStateMachine(phase: .tainted, plan: .fence)
        _ = machine.start()
        _ = machine.stepCompleted(.succeeded(note: ""))
        _ = machine.stepCompleted(.succeeded(note: ""))
        #expect(machine.stepCompleted(.succeeded(note: "")) == .perform(.recordEvent))
        #expect(machine.stepCompleted(.transient(.unavailable, "429", after: nil)) == .record(.eventRecorded))
    }

    @Test("dry run: the checks run, nothing with an effect; every end is DRY_RUN without an Event")
    func dryRun() {
        var passes = RemediationStateMachine(phase: .requested, plan: .fence, dryRun: true)
        let actions = Self.drive(&passes)
        #expect(actions.count == 3)
        #expect(actions.prefix(2) == [.perform(.checkSafety), .perform(.validate)])
        guard case .abort(.dryRun, let message, false)? = actions.last else {
            Issue.record("expected a dry-run abort, got \(actions)")
            return
        }
        #expect(message.contains("would fence"))

        var connected = RemediationStateMachine(phase: .requested, plan: .fence, dryRun: true)
        let refused = Self.drive(&connected) { $0 == .validate ? .failed(.arrayConnectedOrIo, "connected") : .succeeded(note: "") }
        #expect(refused.last == .abort(.dryRun, message: "would abort (ARRAY_CONNECTED_OR_IO): connected", recordEvent: false))

        var crashLoop = RemediationStateMachine(phase: .requested, plan: .crashLoopDelete, dryRun: true)
        #expect(Self.drive(&crashLoop).count == 2)
    }

    @Test("a record is read into a machine: plan from the reason, the intent, the retries")
    func fromRecord() {
        var record = Podguard_V1_FenceRecord()
        record.phase = .eventRecorded
        record.reason = .crashLoopBackOff
        record.retries = 2
        record.podDeleteIssuedAt = .init(seconds: 1)
        let machine = RemediationStateMachine(record: record, maxRetries: 5, backoff: RetryBackoff())
        #expect(machine.plan == .crashLoopDelete)
        #expect(machine.deleteIssued)
        #expect(machine.retries == 2)
        #expect(!machine.dryRun)
    }

    @Test("backoff doubles up to its cap and honours a longer hint")
    func backoff() {
        let backoff = RetryBackoff(initial: .milliseconds(100), maximum: .milliseconds(350))
        #expect((1...5).map { backoff.delay(retry: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(350),
                                                               .milliseconds(350), .milliseconds(350)])
        #expect(backoff.delay(retry: 1, hint: .seconds(2)) == .seconds(2))
    }

    // MARK: The node remediation ladder

    @Test("with a ladder, each failure the ladder can answer (validate or fence) waits for the node's proof; others still abort",
          arguments: [Podguard_V1_AbortReason.arrayConnectedOrIo, .noArrayProof, .validationError, .csiUnavailable, .fenceFailed,
                      .missingCsiAnnotations, .safetyCheckFailed])
    func ladderAnswers(reason: Podguard_V1_AbortReason) {
        for failing in [RemediationStep.validate, .fence] {
            var machine = RemediationStateMachine(phase: .requested, plan: .fence, ladderAvailable: true)
            let actions = Self.drive(&machine) { $0 == failing ? .failed(reason, "no proof") : .succeeded(note: "") }
            if NodeProofGate.answerableReasons.contains(reason) {
                #expect(actions.last == .awaitNodeProof(reason, message: "no proof"))
                #expect(machine.state == .awaitingNodeProof(after: failing))
                #expect(machine.nodeNotProvenSafe("exhausted") == .abort(.nodeNotProvenSafe, message: "exhausted", recordEvent: true))
                #expect(machine.state == .finished)
            } else {
                #expect(actions.last == .abort(reason, message: "no proof", recordEvent: true))
            }
        }
    }

    @Test("without a ladder (podmon's behaviour) the same failures abort at once")
    func noLadderAborts() {
        var machine = RemediationStateMachine(phase: .requested, plan: .fence)
        let actions = Self.drive(&machine) { $0 == .validate ? .failed(.arrayConnectedOrIo, "connected") : .succeeded(note: "") }
        #expect(actions.last == .abort(.arrayConnectedOrIo, message: "connected", recordEvent: true))
    }

    @Test("an adapter that never answers: once the retries are used up, the ladder is asked instead of CSI_UNAVAILABLE")
    func unansweredAdapterClimbs() {
        var machine = RemediationStateMachine(phase: .requested, plan: .fence, retries: 3, maxRetries: 3, ladderAvailable: true)
        let actions = Self.drive(&machine) { $0 == .validate ? .transient(.unavailable, "timeout", after: nil) : .succeeded(note: "") }
        guard case .awaitNodeProof(.csiUnavailable, let message)? = actions.last else {
            Issue.record("expected awaitNodeProof, got \(actions)")
            return
        }
        #expect(message.contains("gave up after 3 retries"))
    }

    @Test("a failure after the delete never waits for the ladder: the remediation goes on to POD_DELETED")
    func afterTheDeleteNoWait() {
        var machine = RemediationStateMachine(phase: .eventRecorded, plan: .fence, deleteIssued: true, ladderAvailable: true)
        let actions = Self.drive(&machine) { $0 == .confirmFenced ? .failed(.fenceFailed, "array down") : .succeeded(note: "") }
        #expect(actions.last == .complete)
    }

    @Test("a dry run with a ladder says it would climb it, and stops there")
    func dryRunWithLadder() {
        var machine = RemediationStateMachine(phase: .requested, plan: .fence, dryRun: true, ladderAvailable: true)
        let actions = Self.drive(&machine) { $0 == .validate ? .failed(.arrayConnectedOrIo, "connected") : .succeeded(note: "") }
        #expect(actions.last == .abort(.dryRun, message: "would climb the node remediation ladder (ARRAY_CONNECTED_OR_IO): connected",
                                       recordEvent: false))
    }

    @Test("a CrashLoopBackOff delete never climbs a ladder")
    func crashLoopNeverClimbs() {
        var machine = RemediationStateMachine(phase: .requested, plan: .crashLoopDelete, ladderAvailable: true)
        let actions = Self.drive(&machine) { $0 == .deletePod ? .failed(.podDeleteFailed, "forbidden") : .succeeded(note: "") }
        #expect(actions.last == .abort(.podDeleteFailed, message: "forbidden", recordEvent: true))
    }
}
