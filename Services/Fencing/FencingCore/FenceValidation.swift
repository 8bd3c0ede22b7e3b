public import Contracts
public import Policy

/// The validation step over every family of the pod's volumes: each family's adapter answer goes
/// through podmon's rule (`evaluate`), straight to the step's verdict (`StepOutcome`), and the pod
/// goes ahead only if every family does. Pure.
public enum FenceValidation {
    /// What one family's adapter said about the node and the pod's volumes of that family.
    public struct FamilyAnswer: Sendable, Hashable {
        public var family: Podguard_V1_ArrayFamily
        public var reply: Reply
        /// A volume of this family is ReadWriteMany: its I/O does not block fencing.
        public var readWriteMany: Bool

        public init(family: Podguard_V1_ArrayFamily, reply: Reply, readWriteMany: Bool) {
            self.family = family
            self.reply = reply
            self.readWriteMany = readWriteMany
        }
    }

    public enum Reply: Sendable, Hashable {
        case answered(Podguard_V1_Connectivity, ioInProgress: Bool, extensionPresent: Bool)
        /// The node has no CSI node id for the family's driver.
        case missingNodeID
        case failed(AdapterFailure)
    }

    public struct NodeContext: Sendable, Hashable {
        /// podmon's taintpodmon (never for ArrayConnectivityLoss, as podmon passes false there).
        public var podguardTainted: Bool
        /// podmon's taintnoexec.
        public var unreachableNoExecute: Bool
        public var skipArrayConnectionValidation: Bool
        /// The pod is taken as not Ready on its node's silence alone (`NotReadyEvidence`): only the
        /// array's "disconnected and idle" lets it proceed — no taint override, no skip, and a
        /// driver without the check cannot give that proof.
        public var arrayProofRequired: Bool
        /// The node remediation ladder goes beyond the storage fence: a driver without the check
        /// gives no proof, and the ladder is asked for one instead of relying on Kubernetes' signals.
        public var ladderAvailable: Bool

        public init(podguardTainted: Bool, unreachableNoExecute: Bool, skipArrayConnectionValidation: Bool,
                    arrayProofRequired: Bool = false, ladderAvailable: Bool = false) {
            self.podguardTainted = podguardTainted
            self.unreachableNoExecute = unreachableNoExecute
            self.skipArrayConnectionValidation = skipArrayConnectionValidation
            self.arrayProofRequired = arrayProofRequired
            self.ladderAvailable = ladderAvailable
        }
    }

    /// podmon's validation rule (docs/policy.md) for one family: its answer as the step's own
    /// verdict. May the node be fenced from this family's arrays? The answer aborts when the array
    /// says the node is connected (unless the node is podguard-tainted) or did I/O (unless the
    /// volume is ReadWriteMany), when the node has no CSI node id, or when the check failed; only
    /// `skipArrayConnectionValidation` on an unreachable:NoExecute node overrides an abort. An
    /// answer that is not "disconnected" counts as connected: podguard never fences on an unknown
    /// answer (podmon's conservative (true, true, err)). A driver without the check proceeds on
    /// Kubernetes' signals (unless the node remediation ladder can be asked for proof instead). When the array's proof is required (`arrayProofRequired`), only its
    /// "disconnected and idle" lets the fence go on. Pending or unavailable: ask again later.
    public static func evaluate(_ answer: FamilyAnswer, node: NodeContext) -> StepOutcome {
        let token = PodguardSubjects.token(answer.family)
        let abort: Podguard_V1_AbortReason
        switch answer.reply {
        case .failed(.pending(let message, let after)):
            return .transient(.pending, "\(token): \(message)", after: after)
        case .failed(.unavailable(let message, let after)):
            return .transient(.unavailable, "\(token): \(message)", after: after)
        case .answered(_, _, extensionPresent: false), .failed(.unimplemented):
            if node.arrayProofRequired { return failed(.noArrayProof) }
            if node.ladderAvailable { return .failed(.noArrayProof, "\(token): the driver has no connectivity check to prove the node disconnected and idle") }
            return .succeeded(note: "\(token): driver has no connectivity check; relying on Kubernetes signals")
        case .missingNodeID:
            abort = .missingCsiAnnotations
        case .failed(let failure):
            return overridable(.validationError, failure.message, token: token, node: node)
        case .answered(let connectivity, let ioInProgress, _):
            let connected = connectivity != .disconnected
            let io = ioInProgress && !answer.readWriteMany
            let taintOverrides = node.podguardTainted && !node.arrayProofRequired
            guard (connected && !taintOverrides) || io else {
                return .succeeded(note: "\(token): array reports the node disconnected and no I/O in progress")
            }
            abort = .arrayConnectedOrIo
        }
        return overridable(abort, "", token: token, node: node)
    }

    /// Every family of the pod: a definite abort from one stops the fence even while another is
    /// unavailable; then any family still to be asked makes the step wait; else all proceed.
    public static func outcome(_ answers: [FamilyAnswer], node: NodeContext) -> StepOutcome {
        let verdicts = answers.map { evaluate($0, node: node) }
        var notes: [String] = []
        var waiting: [(cause: TransientCause, message: String, after: Duration?)] = []
        for verdict in verdicts {
            switch verdict {
            case .failed, .podGone: return verdict
            case .transient(let cause, let message, let after): waiting.append((cause, message, after))
            case .succeeded(let note): notes.append(note)
            }
        }
        if let first = waiting.first {
            let cause: TransientCause = waiting.contains { $0.cause == .unavailable } ? .unavailable : .pending
            return .transient(cause, waiting.map(\.message).joined(separator: "; "),
                              after: waiting.compactMap(\.after).max() ?? first.after)
        }
        return .succeeded(note: notes.joined(separator: "; "))
    }

    /// An abort, unless `skipArrayConnectionValidation` applies on an unreachable:NoExecute node
    /// whose pod needs no array proof.
    private static func overridable(_ reason: Podguard_V1_AbortReason, _ detail: String, token: String,
                                    node: NodeContext) -> StepOutcome {
        guard node.skipArrayConnectionValidation && node.unreachableNoExecute && !node.arrayProofRequired else {
            return failed(reason, detail)
        }
        return .succeeded(note: "\(token): skipArrayConnectionValidation is set and the node is unreachable:NoExecute; "
                          + "proceeding despite \(message(reason, detail))")
    }

    private static func failed(_ reason: Podguard_V1_AbortReason, _ detail: String = "") -> StepOutcome {
        .failed(reason, message(reason, detail))
    }

    /// The abort message of a validation reason (a failed check's `detail` is the adapter's error).
    static func message(_ reason: Podguard_V1_AbortReason, _ detail: String) -> String {
        switch reason {
        case .arrayConnectedOrIo: "the array says the node is still connected or did I/O recently"
        case .missingCsiAnnotations: "the node has no CSI node id for a driver of the pod's volumes"
        case .validationError: "ValidateHostConnectivity failed: \(detail)"
        case .noArrayProof:
            "the pod still reports Ready (its node is silent) and the driver has no connectivity check to prove the node disconnected and idle"
        default: "\(reason)"
        }
    }
}
