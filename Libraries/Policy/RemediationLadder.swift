/// How podguard makes a failed node safe when it must: the steps it tries, in order, each with the
/// time it is given (Node Healthcheck's "escalating remediations" are the model). The first step is
/// today's storage fence (the arrays prove the node disconnected and idle, then every volume is
/// unpublished); the later ones take over where that proof cannot be had.
public struct RemediationLadder: Sendable, Hashable {
    public var rungs: [Rung]

    public struct Rung: Sendable, Hashable {
        public var step: LadderStep
        /// How long the step may take before the next one is tried.
        public var timeout: Duration

        public init(_ step: LadderStep, timeout: Duration) {
            self.step = step
            self.timeout = timeout
        }
    }

    /// podmon's behaviour: the storage fence alone.
    public static let storageOnly = RemediationLadder(rungs: [Rung(.storageFence, timeout: .seconds(300))])

    public init(rungs: [Rung]) {
        self.rungs = rungs
    }

    /// Why a ladder cannot be used.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case repeated(LadderStep)
        case nonPositiveTimeout(LadderStep)
        /// Approval ends the ladder: nothing can follow a human's answer.
        case approvalNotLast

        public var description: String {
            switch self {
            case .empty: "a remediation ladder needs at least one step"
            case .repeated(let step): "step \(step.rawValue) appears twice in the ladder"
            case .nonPositiveTimeout(let step): "step \(step.rawValue) needs a positive timeout"
            case .approvalNotLast: "approval must be the last step of the ladder"
            }
        }
    }

    /// The ladder if it can be climbed: steps at most once each, positive timeouts, approval last.
    public func validated() throws(Problem) -> RemediationLadder {
        guard !rungs.isEmpty else { throw .empty }
        var seen: Set<LadderStep> = []
        for (index, rung) in rungs.enumerated() {
            guard seen.insert(rung.step).inserted else { throw .repeated(rung.step) }
            guard rung.timeout > .zero else { throw .nonPositiveTimeout(rung.step) }
            if rung.step == .approval, index != rungs.count - 1 { throw .approvalNotLast }
        }
        return self
    }
}

/// A way to make a node safe.
public enum LadderStep: String, Sendable, Hashable, CaseIterable, Codable {
    /// The arrays prove the node disconnected and idle; every volume of the pod is unpublished
    /// (ControllerUnpublishVolume). podmon's way, and the only one before the ladder.
    case storageFence = "storage"
    /// The node is powered off through a ClusterLabs fence agent, and OFF is confirmed.
    case fenceAgent = "fence-agent"
    /// A medik8s ExternalRemediation provider isolates the node (a remediation CR from a template).
    case externalRemediation = "external"
    /// A human confirms the node is down (or denies it).
    case approval
}

extension RemediationLadder {
    /// Why a ladder's text cannot be read.
    public struct ParseProblem: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Reads a ladder written as rungs `<step>:<timeout>` separated by spaces, in the order they
    /// are tried, e.g. `storage:5m fence-agent:3m approval:1h`; `duration` reads a timeout. The
    /// result is validated (steps once each, positive timeouts, approval last).
    public static func parse(_ text: String, duration: (String) -> Duration?) throws(ParseProblem) -> RemediationLadder {
        var rungs: [Rung] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            let parts = word.split(separator: ":", maxSplits: 1).map(String.init)
            let known = LadderStep.allCases.map(\.rawValue).joined(separator: ", ")
            guard parts.count == 2 else {
                throw ParseProblem(description: "rung '\(word)' is not <step>:<timeout> (steps: \(known))")
            }
            guard let step = LadderStep(rawValue: parts[0]) else {
                throw ParseProblem(description: "unknown step '\(parts[0])' (steps: \(known))")
            }
            guard let timeout = duration(parts[1]) else {
                throw ParseProblem(description: "step \(parts[0]) has an unreadable timeout '\(parts[1])'")
            }
            rungs.append(Rung(step, timeout: timeout))
        }
        do {
            return try RemediationLadder(rungs: rungs).validated()
        } catch {
            throw ParseProblem(description: error.description)
        }
    }

    /// The text `parse` reads: `storage:5m fence-agent:3m approval:1h`.
    public var text: String {
        rungs.map { "\($0.step.rawValue):\(Self.text($0.timeout))" }.joined(separator: " ")
    }

    private static func text(_ timeout: Duration) -> String {
        let seconds = timeout.components.seconds
        if seconds > 0, seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds > 0, seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
