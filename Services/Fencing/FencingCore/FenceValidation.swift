public import Contracts
public import Policy

/// The validation step over every family of the pod's volumes: each family's adapter answer goes
/// through podmon's rule (`ValidationPolicy`), and the pod goes ahead only if every family does.
/// Pure.
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
        /// Only the array's "disconnected and idle" may let the fence go on (`ValidationPolicy.Context`).
        public var arrayProofRequired: Bool

        public init(podguardTainted: Bool, unreachableNoExecute: Bool, skipArrayConnectionValidation: Bool,
                    arrayProofRequired: Bool = false) {
            self.podguardTainted = podguardTainted
            self.unreachableNoExecute = unreachableNoExecute
            self.skipArrayConnectionValidation = skipArrayConnectionValidation
            self.arrayProofRequired = arrayProofRequired
        }
    }

    /// One family's reply as podmon's answer; nil when it must be asked again later.
    public static func arrayAnswer(_ reply: Reply) -> ValidationPolicy.ArrayAnswer? {
        switch reply {
        case .missingNodeID:
            return .missingNodeID
        case .answered(_, _, extensionPresent: false):
            return .notSupported
        case .answered(let connectivity, let io, _):
            // An answer that is not "disconnected" is read as connected: podguard never fences on an
            // unknown answer (podmon's conservative (true, true, err)).
            return .answered(connected: connectivity != .disconnected, ioInProgress: io)
        case .failed(.unimplemented):
            return .notSupported
        case .failed(.unavailable), .failed(.pending):
            return nil
        case .failed(let failure):
            return .error(failure.message)
        }
    }

    public static func outcome(_ answers: [FamilyAnswer], node: NodeContext) -> StepOutcome {
        var verdicts: [ValidationPolicy.Verdict] = []
        var waiting: [(cause: TransientCause, message: String, after: Duration?)] = []
        for answer in answers {
            let token = PodguardSubjects.token(answer.family)
            guard let arrayAnswer = arrayAnswer(answer.reply) else {
                if case .failed(let failure) = answer.reply {
                    switch failure {
                    case .pending(let message, let after): waiting.append((.pending, "\(token): \(message)", after))
                    case .unavailable(let message, let after): waiting.append((.unavailable, "\(token): \(message)", after))
                    default: break
                    }
                }
                continue
            }
            let context = ValidationPolicy.Context(
                readWriteMany: answer.readWriteMany, podguardTainted: node.podguardTainted,
                unreachableNoExecute: node.unreachableNoExecute,
                skipArrayConnectionValidation: node.skipArrayConnectionValidation, arrayProofRequired: node.arrayProofRequired)
            switch ValidationPolicy.evaluate(arrayAnswer, context) {
            case .proceed(let note): verdicts.append(.proceed(note: "\(token): \(note)"))
            case .abort(let reason): verdicts.append(.abort(reason))
            }
        }
        // A definite abort from one family stops the fence even while another is unavailable.
        switch ValidationPolicy.combine(verdicts) {
        case .abort(let reason):
            let (abort, message) = contractReason(reason)
            return .failed(abort, message)
        case .proceed(let note):
            if let first = waiting.first {
                let cause: TransientCause = waiting.contains { $0.cause == .unavailable } ? .unavailable : .pending
                return .transient(cause, waiting.map(\.message).joined(separator: "; "),
                                  after: waiting.compactMap(\.after).max() ?? first.after)
            }
            return .succeeded(note: note)
        }
    }

    public static func contractReason(_ reason: ValidationPolicy.AbortReason) -> (Podguard_V1_AbortReason, String) {
        switch reason {
        case .arrayConnectedOrRecentIO:
            (.arrayConnectedOrIo, "the array says the node is still connected or did I/O recently")
        case .missingCSIAnnotations:
            (.missingCsiAnnotations, "the node has no CSI node id for a driver of the pod's volumes")
        case .validationError(let message):
            (.validationError, "ValidateHostConnectivity failed: \(message)")
        case .noArrayProof:
            (.noArrayProof, "the pod still reports Ready (its node is silent) and the driver has no connectivity check to prove the node disconnected and idle")
        }
    }
}
