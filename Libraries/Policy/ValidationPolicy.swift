/// The validation step of a fence (podmon's, docs/policy.md): may the pod's node be fenced, given what
/// the array says about it? Applied per array family; the pod goes ahead only if every family does.
public enum ValidationPolicy {
    /// What the adapter answered for the node and the pod's volumes of one family.
    public enum ArrayAnswer: Sendable, Equatable {
        case answered(connected: Bool, ioInProgress: Bool)
        /// The node has no CSI node id for the driver (annotation `csi.volume.kubernetes.io/nodeid`).
        case missingNodeID
        /// The adapter or the driver failed (after podmon's "pending" retries).
        case error(String)
        /// The driver has no ValidateVolumeHostConnectivity (generic CSI adapter): nothing to ask.
        case notSupported
    }

    public struct Context: Sendable, Equatable {
        /// Some volume of the pod is ReadWriteMany: I/O from other nodes is expected, ignore it.
        public var readWriteMany: Bool
        /// The node carries the podguard or driver-offline taint (podmon's `taintpodmon`).
        public var podguardTainted: Bool
        /// The node carries `node.kubernetes.io/unreachable:NoExecute`.
        public var unreachableNoExecute: Bool
        public var skipArrayConnectionValidation: Bool
        /// The pod is taken as not Ready on its node's silence alone (`NotReadyEvidence`): only the
        /// array's "disconnected and idle" lets it proceed — no taint override, no skip, and a
        /// driver without the check cannot give that proof.
        public var arrayProofRequired: Bool

        public init(readWriteMany: Bool, podguardTainted: Bool, unreachableNoExecute: Bool, skipArrayConnectionValidation: Bool,
                    arrayProofRequired: Bool = false) {
            self.readWriteMany = readWriteMany
            self.podguardTainted = podguardTainted
            self.unreachableNoExecute = unreachableNoExecute
            self.skipArrayConnectionValidation = skipArrayConnectionValidation
            self.arrayProofRequired = arrayProofRequired
        }
    }

    public enum AbortReason: Sendable, Equatable {
        case arrayConnectedOrRecentIO
        case missingCSIAnnotations
        case validationError(String)
        /// Proof was required and the driver cannot give it.
        case noArrayProof
    }

    public enum Verdict: Sendable, Equatable {
        case proceed(note: String)
        case abort(AbortReason)
    }

    public static func evaluate(_ answer: ArrayAnswer, _ context: Context) -> Verdict {
        let abort: AbortReason?
        switch answer {
        case .notSupported:
            if context.arrayProofRequired { return .abort(.noArrayProof) }
            return .proceed(note: "driver has no connectivity check; relying on Kubernetes signals")
        case .missingNodeID:
            abort = .missingCSIAnnotations
        case .error(let message):
            abort = .validationError(message)
        case .answered(let connected, let ioInProgress):
            let io = ioInProgress && !context.readWriteMany
            let taintOverrides = context.podguardTainted && !context.arrayProofRequired
            abort = (connected && !taintOverrides) || io ? .arrayConnectedOrRecentIO : nil
        }
        guard let abort else { return .proceed(note: "array reports the node disconnected and no I/O in progress") }
        if context.skipArrayConnectionValidation && context.unreachableNoExecute && !context.arrayProofRequired {
            return .proceed(note: "skipArrayConnectionValidation is set and the node is unreachable:NoExecute; proceeding despite \(abort)")
        }
        return .abort(abort)
    }

    /// Several families: the first abort wins; all must proceed.
    public static func combine(_ verdicts: [Verdict]) -> Verdict {
        for verdict in verdicts { if case .abort = verdict { return verdict } }
        let notes = verdicts.compactMap { verdict -> String? in
            if case .proceed(let note) = verdict { return note }
            return nil
        }
        return .proceed(note: notes.joined(separator: "; "))
    }
}
