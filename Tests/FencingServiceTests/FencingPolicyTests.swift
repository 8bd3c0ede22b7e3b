import Bus
import Contracts
import FamilyCatalog
import FencingCore
import FencingService
import Foundation
import Policy
import SwiftProtobuf
import Testing

@Suite("fencing's pure rules: safety re-check, validation over families, failure classes, Event texts")
struct FencingPolicyTests {
    static func request(_ reason: Podguard_V1_FenceReason = .nodeFailure) -> Podguard_V1_FenceRequest {
        var request = Podguard_V1_FenceRequest()
        request.pod.namespace = "db"
        request.pod.name = "pg-0"
        request.pod.uid = "uid-1"
        request.nodeName = "w1"
        request.nodeUid = "node-uid"
        request.reason = reason
        return request
    }

    static let unreachable = LiveNode(uid: "node-uid", taints: [.init(key: "node.kubernetes.io/unreachable", effect: "NoSchedule")])
    static let podguardTainted = LiveNode(uid: "node-uid", taints: [.init(key: "vxflexos.podmon.storage.dell.com", effect: "NoSchedule")])
    static let healthy = LiveNode(uid: "node-uid", taints: [.init(key: "node.kubernetes.io/not-ready", effect: "NoSchedule")])
    static let notReady = LivePod(uid: "uid-1", nodeName: "w1", ready: false)
    static let readyPod = LivePod(uid: "uid-1", nodeName: "w1", ready: true)
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    /// Ready Unknown for 30 s and unreachable: no kubelet reports it.
    static let silent = LiveNode(uid: "node-uid", taints: unreachable.taints, ready: .unknown, readySince: now.addingTimeInterval(-30))
    static let silentFalse = LiveNode(uid: "node-uid", taints: unreachable.taints, ready: .false, readySince: now.addingTimeInterval(-1))
    /// Ready Unknown but the node controller has not tainted it (yet).
    static let unknownUntainted = LiveNode(uid: "node-uid", taints: [], ready: .unknown, readySince: now.addingTimeInterval(-30))
    /// Unreachable taint left over, but the kubelet reports again.
    static let backReady = LiveNode(uid: "node-uid", taints: unreachable.taints, ready: .true, readySince: now.addingTimeInterval(-1))
    /// Unknown without a transition time: never taken as silent.
    static let unknownNoTime = LiveNode(uid: "node-uid", taints: unreachable.taints, ready: .unknown, readySince: nil)

    enum Expect: Equatable { case safe, safeWithProof, gone, unsafe }

    static let safetyTable: [(String, Podguard_V1_FenceReason, LivePod?, LiveNode?, Expect)] = [
        ("pod gone", .nodeFailure, nil, unreachable, .gone),
        ("other uid", .nodeFailure, LivePod(uid: "uid-2", nodeName: "w1", ready: false), unreachable, .gone),
        ("other node", .nodeFailure, LivePod(uid: "uid-1", nodeName: "w2", ready: false), unreachable, .gone),
        ("Ready again", .nodeFailure, LivePod(uid: "uid-1", nodeName: "w1", ready: true), unreachable, .unsafe),
        ("Ready again after fencing: never deleted", .nodeFailure, LivePod(uid: "uid-1", nodeName: "w1", ready: true), podguardTainted, .unsafe),
        ("unreachable", .nodeFailure, notReady, unreachable, .safe),
        ("podguard taint", .nodeFailure, notReady, podguardTainted, .safe),
        ("not-ready is no trigger", .nodeFailure, notReady, healthy, .unsafe),
        ("node gone", .nodeFailure, notReady, nil, .unsafe),
        ("node re-registered", .nodeFailure, notReady, LiveNode(uid: "new", taints: unreachable.taints), .unsafe),
        ("driver offline", .driverPodOffline, notReady,
         LiveNode(uid: "node-uid", taints: [.init(key: "offline.vxflexos.storage.dell.com", effect: "NoSchedule")]), .safe),
        ("connectivity loss: the array decides", .arrayConnectivityLoss, notReady, healthy, .safe),
        ("crash loop", .crashLoopBackOff, LivePod(uid: "uid-1", nodeName: "w1", ready: false, crashLoopBackOff: true), healthy, .safe),
        ("crash loop over", .crashLoopBackOff, notReady, healthy, .unsafe),
        ("Ready on a silent node: only with the array's proof", .nodeFailure, readyPod, silent, .safeWithProof),
        ("Ready on a node silent with Ready=False", .nodeFailure, readyPod, silentFalse, .safeWithProof),
        ("Ready on a silent node, connectivity loss", .arrayConnectivityLoss, readyPod, silent, .safeWithProof),
        ("Ready on an Unknown node without the unreachable taint", .nodeFailure, readyPod, unknownUntainted, .unsafe),
        ("Ready on a node reporting again", .nodeFailure, readyPod, backReady, .unsafe),
        ("Ready on an Unknown node without a transition time", .nodeFailure, readyPod, unknownNoTime, .unsafe),
        ("Ready on a silent node: crash-loop deletes never", .crashLoopBackOff,
         LivePod(uid: "uid-1", nodeName: "w1", ready: true, crashLoopBackOff: true), silent, .unsafe),
        ("Ready on a silent, re-registered node", .nodeFailure, readyPod,
         LiveNode(uid: "new", taints: unreachable.taints, ready: .unknown, readySince: now.addingTimeInterval(-30)), .unsafe),
        ("not Ready on a silent node: no proof demanded by the check", .nodeFailure, notReady, silent, .safe),
    ]

    @Test("safety re-check", arguments: safetyTable)
    func safety(_ name: String, _ reason: Podguard_V1_FenceReason, _ pod: LivePod?, _ node: LiveNode?,
                _ expected: Expect) {
        let got: Expect = switch SafetyCheck.evaluate(Self.request(reason), pod: pod, node: node,
                                                      taintKeys: ArrayFamilyCatalog.dellTaintKeys, now: Self.now) {
        case .safe(_, arrayProofRequired: false): .safe
        case .safe(_, arrayProofRequired: true): .safeWithProof
        case .podGone: .gone
        case .unsafe: .unsafe
        }
        #expect(got == expected, "\(name)")
    }

    static func answer(_ reply: FenceValidation.Reply, family: Podguard_V1_ArrayFamily = .powerflex,
                       rwx: Bool = false) -> FenceValidation.FamilyAnswer {
        .init(family: family, reply: reply, readWriteMany: rwx)
    }

    static let plain = FenceValidation.NodeContext(podguardTainted: false, unreachableNoExecute: false, skipArrayConnectionValidation: false)

    enum Verdict: Equatable { case proceed, abort(Podguard_V1_AbortReason), retry(TransientCause) }

    static let validationTable: [(String, [FenceValidation.FamilyAnswer], FenceValidation.NodeContext, Verdict)] = [
        ("disconnected, idle", [answer(.answered(.disconnected, ioInProgress: false, extensionPresent: true))], plain, .proceed),
        ("connected", [answer(.answered(.connected, ioInProgress: false, extensionPresent: true))], plain, .abort(.arrayConnectedOrIo)),
        ("unknown reads as connected", [answer(.answered(.unknown, ioInProgress: false, extensionPresent: true))], plain,
         .abort(.arrayConnectedOrIo)),
        ("connected but podguard-tainted", [answer(.answered(.connected, ioInProgress: false, extensionPresent: true))],
         .init(podguardTainted: true, unreachableNoExecute: false, skipArrayConnectionValidation: false), .proceed),
        ("I/O", [answer(.answered(.disconnected, ioInProgress: true, extensionPresent: true))], plain, .abort(.arrayConnectedOrIo)),
        ("I/O on RWX", [answer(.answered(.disconnected, ioInProgress: true, extensionPresent: true), rwx: true)], plain, .proceed),
        ("skip without NoExecute", [answer(.answered(.connected, ioInProgress: true, extensionPresent: true))],
         .init(podguardTainted: false, unreachableNoExecute: false, skipArrayConnectionValidation: true), .abort(.arrayConnectedOrIo)),
        ("skip with NoExecute", [answer(.answered(.connected, ioInProgress: true, extensionPresent: true))],
         .init(podguardTainted: false, unreachableNoExecute: true, skipArrayConnectionValidation: true), .proceed),
        ("missing node id", [answer(.missingNodeID)], plain, .abort(.missingCsiAnnotations)),
        ("generic: no extension", [answer(.answered(.unknown, ioInProgress: false, extensionPresent: false), family: .generic)], plain, .proceed),
        ("permanent error", [answer(.failed(.permanent("denied")))], plain, .abort(.validationError)),
        ("adapter unavailable", [answer(.failed(.unavailable("no responders", after: nil)))], plain, .retry(.unavailable)),
        ("two families: one connected aborts even if the other is unavailable",
         [answer(.failed(.unavailable("x", after: nil)), family: .powerflex),
          answer(.answered(.connected, ioInProgress: false, extensionPresent: true), family: .powerstore)], plain, .abort(.arrayConnectedOrIo)),
        ("two families: both disconnected", [answer(.answered(.disconnected, ioInProgress: false, extensionPresent: true), family: .powerflex),
                                             answer(.answered(.disconnected, ioInProgress: false, extensionPresent: true), family: .powerstore)],
         plain, .proceed),
        ("no volumes: nothing to ask", [], plain, .proceed),
        ("proof required: disconnected and idle", [answer(.answered(.disconnected, ioInProgress: false, extensionPresent: true))],
         proof, .proceed),
        ("proof required: connected aborts despite the podguard taint", [answer(.answered(.connected, ioInProgress: false, extensionPresent: true))],
         .init(podguardTainted: true, unreachableNoExecute: true, skipArrayConnectionValidation: false, arrayProofRequired: true),
         .abort(.arrayConnectedOrIo)),
        ("proof required: skip is not honoured", [answer(.answered(.connected, ioInProgress: true, extensionPresent: true))],
         .init(podguardTainted: false, unreachableNoExecute: true, skipArrayConnectionValidation: true, arrayProofRequired: true),
         .abort(.arrayConnectedOrIo)),
        ("proof required: a driver without the check cannot give it",
         [answer(.answered(.unknown, ioInProgress: false, extensionPresent: false), family: .generic)], proof, .abort(.noArrayProof)),
        ("proof required: unimplemented cannot give it", [answer(.failed(.unimplemented("no")), family: .generic)], proof, .abort(.noArrayProof)),
        ("proof required: I/O on RWX still ignored", [answer(.answered(.disconnected, ioInProgress: true, extensionPresent: true), rwx: true)],
         proof, .proceed),
    ]

    static let proof = FenceValidation.NodeContext(podguardTainted: false, unreachableNoExecute: true,
                                                   skipArrayConnectionValidation: false, arrayProofRequired: true)

    @Test("validation over the pod's families", arguments: validationTable)
    func validation(_ name: String, _ answers: [FenceValidation.FamilyAnswer], _ context: FenceValidation.NodeContext, _ expected: Verdict) {
        let got: Verdict? = switch FenceValidation.outcome(answers, node: context) {
        case .succeeded: .proceed
        case .failed(let reason, _): .abort(reason)
        case .transient(let cause, _, _): .retry(cause)
        case .podGone: nil
        }
        #expect(got == expected, "\(name)")
    }

    /// podmon's abort condition: (connected AND NOT taintpodmon) OR iosInProgress OR err, I/O
    /// ignored for RWX, overridden only by skip + NoExecute.
    @Test("validation matches podmon's abort formula for every combination")
    func validationFormula() {
        for connected in [false, true] { for io in [false, true] { for rwx in [false, true] {
        for podguard in [false, true] { for noExecute in [false, true] { for skip in [false, true] {
            let context = FenceValidation.NodeContext(podguardTainted: podguard, unreachableNoExecute: noExecute,
                                                      skipArrayConnectionValidation: skip)
            let verdict = FenceValidation.evaluate(
                Self.answer(.answered(connected ? .connected : .disconnected, ioInProgress: io, extensionPresent: true), rwx: rwx),
                node: context)
            let abort = (connected && !podguard) || (io && !rwx)
            let overridden = skip && noExecute
            if abort && !overridden {
                if case .failed(.arrayConnectedOrIo, _) = verdict {} else { Issue.record("expected arrayConnectedOrIo, got \(verdict)") }
            } else if case .failed = verdict {
                Issue.record("connected \(connected) io \(io) rwx \(rwx) podguard \(podguard) noExecute \(noExecute) skip \(skip): unexpected abort")
            }
        } } } } } }
    }

    @Test("validation: missing node id, errors, no extension; skip + NoExecute overrides errors too; the first abort wins")
    func validationOtherAnswers() {
        let skipping = FenceValidation.NodeContext(podguardTainted: false, unreachableNoExecute: true, skipArrayConnectionValidation: true)
        if case .failed(.missingCsiAnnotations, _) = FenceValidation.evaluate(Self.answer(.missingNodeID), node: Self.plain) {} else {
            Issue.record("missing node id aborts")
        }
        guard case .failed(.validationError, let message) = FenceValidation.evaluate(Self.answer(.failed(.permanent("boom"))), node: Self.plain) else {
            Issue.record("an error aborts")
            return
        }
        #expect(message.contains("boom"))
        if case .failed = FenceValidation.evaluate(Self.answer(.failed(.permanent("boom"))), node: skipping) {
            Issue.record("skip + NoExecute overrides errors too")
        }
        if case .failed = FenceValidation.evaluate(Self.answer(.answered(.unknown, ioInProgress: false, extensionPresent: false)), node: Self.plain) {
            Issue.record("generic drivers proceed")
        }
        let combined = FenceValidation.outcome([
            Self.answer(.answered(.disconnected, ioInProgress: false, extensionPresent: true), family: .powerflex),
            Self.answer(.missingNodeID, family: .powerstore),
            Self.answer(.answered(.disconnected, ioInProgress: false, extensionPresent: true), family: .unity),
        ], node: Self.plain)
        if case .failed(.missingCsiAnnotations, _) = combined {} else { Issue.record("the abort wins: \(combined)") }
        let proceeding = FenceValidation.outcome([
            Self.answer(.answered(.disconnected, ioInProgress: false, extensionPresent: true), family: .powerflex),
            Self.answer(.answered(.disconnected, ioInProgress: false, extensionPresent: true), family: .unity),
        ], node: Self.plain)
        #expect(proceeding == .succeeded(note: "powerflex: array reports the node disconnected and no I/O in progress; "
                                         + "unity: array reports the node disconnected and no I/O in progress"))
    }

    @Test("adapter errors and bus errors are classified by what to do about them")
    func adapterFailures() {
        func error(_ kind: Podguard_V1_AdapterError.Kind) -> Podguard_V1_AdapterError {
            var error = Podguard_V1_AdapterError()
            error.kind = kind
            error.message = "m"
            return error
        }
        var pending = error(.pending)
        pending.retryAfter = .init(seconds: 3)
        #expect(AdapterFailure(pending) == .pending("m", after: .seconds(3)))
        #expect(AdapterFailure(error(.transient)) == .unavailable("m", after: nil))
        #expect(AdapterFailure(error(.notFound)) == .notFound("m"))
        #expect(AdapterFailure(error(.unimplemented)) == .unimplemented("m"))
        #expect(AdapterFailure(error(.invalidRequest)) == .permanent("m"))
        #expect(AdapterFailure(error(.unspecified)) == .permanent("m"))
        if case .unavailable = AdapterFailure(BusError.noResponders(subject: "s")) {} else { Issue.record("no responders") }
        if case .unavailable = AdapterFailure(BusError.timeout(subject: "s", after: .seconds(1))) {} else { Issue.record("timeout") }
        if case .permanent = AdapterFailure(BusError.undecodable(subject: "s", type: "T", reason: "r")) {} else { Issue.record("undecodable") }
    }

    @Test("Event texts: podmon's byte for byte, podguard's in the same form, none for replaced pods and dry runs")
    func eventTexts() {
        #expect(EventTexts.aborted(.arrayConnectedOrIo, podUID: "u", node: "n") == "podmon aborted pod cleanup [u n] array connected or recent I/O")
        #expect(EventTexts.aborted(.missingCsiAnnotations, podUID: "u", node: "n") == "podmon aborted pod cleanup [u n] due to missing CSI annotations")
        #expect(EventTexts.aborted(.validationError, podUID: "u", node: "n")
                == "podmon aborted pod cleanup [u n] due to error while validating volume host connectivity")
        #expect(EventTexts.aborted(.fenceFailed, podUID: "u", node: "n") == "podmon aborted pod cleanup [u n] couldn't fence volumes")
        #expect(EventTexts.aborted(.csiUnavailable, podUID: "u", node: "n")?.hasPrefix("podmon aborted pod cleanup [u n]") == true)
        #expect(EventTexts.aborted(.podReplaced, podUID: "u", node: "n") == nil)
        #expect(EventTexts.aborted(.dryRun, podUID: "u", node: "n") == nil)
        var request = Self.request()
        #expect(EventTexts.cleaning(request) == "podmon cleaning pod [uid-1 w1] with force delete")
        request.reason = .crashLoopBackOff
        request.crashLoopRetry = 2
        #expect(EventTexts.cleaning(request) == "podmon cleaning pod [uid-1 w1 retry: 2] with delete")
        #expect(EventTexts.reason(.arrayConnectivityLoss) == "ArrayConnectivityLoss")
        #expect(EventTexts.reason(.nodeFailure) == "NodeFailure")
    }

    @Test("a per-family unpublish timeout overrides the default for that family only")
    func familyTimeouts() throws {
        let settings = FencingSettings(replicaID: "r", unpublishTimeoutByFamily: [.powermax: .seconds(300)])
        #expect(settings.unpublishTimeout(.powermax) == .seconds(300))
        #expect(settings.unpublishTimeout(.unity) == .seconds(120))
    }
}
