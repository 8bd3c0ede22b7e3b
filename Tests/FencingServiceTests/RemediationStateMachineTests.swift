import Contracts
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
            case .abort, .retry, .complete, .alreadyFinished: return actions
            }
        }
        Issue.record("machine did not stop: \(actions)")
        return actions
    }

    @Test("a fence runs podmon's order, recording each phase before the next step, the delete intent before the delete")
    func happyPath() {
        var machine = RemediationStateMachine(phase: .requested, plan: .fence)
        #expect(Self.drive(&machine) == [
            .perform(.checkSafety), .perform(.validate), .record(.validated), .perform(.fence), .record(.fenced),
            .perform(.taint), .record(.tainted), .perform(.deleteAttachments), .record(.attachmentsDeleted),
            .perform(.recordEvent), .record(.eventRecorded), .recordDeleteIntent, .perform(.deletePod),
            .record(.podDeleted), .complete,
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

    static let resumes: [(Podguard_V1_FencePhase, Bool, RemediationStep, SafetyCheck.Scope)] = [
        (.requested, false, .validate, .full),
        (.validated, false, .fence, .full),
        (.fenced, false, .taint, .identity),
        (.tainted, false, .deleteAttachments, .identity),
        (.attachmentsDeleted, false, .recordEvent, .identity),
        (.eventRecorded, true, .deletePod, .identity),
    ]

    @Test("a redelivered request resumes after the recorded phase: the safety check, then the first step not done",
          arguments: resumes)
    func resume(_ phase: Podguard_V1_FencePhase, _ deleteIssued: Bool, _ first: RemediationStep, _ scope: SafetyCheck.Scope) {
        var machine = RemediationStateMachine(phase: phase, plan: .fence, deleteIssued: deleteIssued)
        #expect(machine.safetyScope == scope)
        #expect(machine.start() == .perform(.checkSafety))
        #expect(machine.stepCompleted(.succeeded(note: "")) == .perform(first))
    }

    @Test("EVENT_RECORDED without the intent records the intent first")
    func intentFirst() {
        var machine = RemediationStateMachine(phase: .eventRecorded, plan: .fence)
        _ = machine.start()
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

    @Test("a pod gone before the delete intent is POD_REPLACED (no Event); after it, POD_DELETED")
    func podGone() {
        var before = RemediationStateMachine(phase: .tainted, plan: .fence)
        _ = before.start()
        #expect(before.stepCompleted(.podGone("gone")) == .abort(.podReplaced, message: "gone", recordEvent: false))

        var after = RemediationStateMachine(phase: .eventRecorded, plan: .fence, deleteIssued: true)
        _ = after.start()
        #expect(after.stepCompleted(.succeeded(note: "")) == .perform(.deletePod))
        #expect(after.stepCompleted(.podGone("replaced")) == .record(.podDeleted))
        #expect(after.persisted() == .complete)
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
        #expect(first.stepCompleted(.transient(.pending, "pending", after: nil)) == .retry(after: .seconds(1), reason: "pending"))
        #expect(first.retries == 1)
        #expect(first.state == .suspended)

        var third = RemediationStateMachine(phase: .validated, plan: .fence, retries: 2, maxRetries: 3, backoff: backoff)
        _ = third.start()
        _ = third.stepCompleted(.succeeded(note: ""))
        #expect(third.stepCompleted(.transient(.pending, "p", after: .seconds(30))) == .retry(after: .seconds(30), reason: "p"))

        var used = RemediationStateMachine(phase: .validated, plan: .fence, retries: 3, maxRetries: 3, backoff: backoff)
        _ = used.start()
        _ = used.stepCompleted(.succeeded(note: ""))
        #expect(used.stepCompleted(.transient(.pending, "p", after: nil))
                == .abort(.fenceFailed, message: "gave up after 3 retries: p", recordEvent: true))
    }

    static let exhausted: [(Podguard_V1_FencePhase, TransientCause, Podguard_V1_AbortReason)] = [
        (.requested, .unavailable, .csiUnavailable),      // validate
        (.requested, .pending, .validationError),
        (.validated, .unavailable, .csiUnavailable),      // fence
        (.validated, .pending, .fenceFailed),
        (.fenced, .unavailable, .taintFailed),
        (.tainted, .unavailable, .attachmentDeleteFailed),
    ]

    @Test("the abort reason when retries are used up depends on the step and the cause", arguments: exhausted)
    func exhaustedReason(_ phase: Podguard_V1_FencePhase, _ cause: TransientCause, _ reason: Podguard_V1_AbortReason) {
        var machine = RemediationStateMachine(phase: phase, plan: .fence, maxRetries: 0)
        _ = machine.start()
        _ = machine.stepCompleted(.succeeded(note: ""))
        guard case .abort(let got, _, true) = machine.stepCompleted(.transient(cause, "x", after: nil)) else {
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
        var machine = RemediationStateMachine(phase: .attachmentsDeleted, plan: .fence)
        _ = machine.start()
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
}
