/// Why a fence agent call did not give an answer to act on. Every case is a reason to go to the
/// next remediation step, never one to delete anything.
public enum FenceAgentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The target is not one podguard will run (bad agent name, option or value).
    case invalidTarget(String)
    /// The agent is not installed in the agents' directory.
    case agentNotFound(String)
    /// The agent ran and failed (unreachable BMC, wrong credentials, refused action); its output,
    /// password masked.
    case failed(action: FenceAgentAction, status: Int32, output: String)
    /// The agent did not finish in time and was killed.
    case timedOut(action: FenceAgentAction, after: Duration)
    /// `status` answered something that is neither ON nor OFF.
    case unknownStatus(output: String)
    /// The agent said it powered the node off, but status did not confirm OFF.
    case offNotConfirmed(lastStatus: PowerState?)

    public var description: String {
        switch self {
        case .invalidTarget(let why): "invalid fence agent target: \(why)"
        case .agentNotFound(let agent): "fence agent \(agent) is not installed (Debian package fence-agents)"
        case .failed(let action, let status, let output):
            "fence agent action \(action.rawValue) failed (exit \(status))" + (output.isEmpty ? "" : ": \(output)")
        case .timedOut(let action, let after): "fence agent action \(action.rawValue) did not finish within \(after)"
        case .unknownStatus(let output): "fence agent status answered neither ON nor OFF: \(output)"
        case .offNotConfirmed(let last):
            "the node was not confirmed powered off (last status: \(last.map(\.rawValue) ?? "none"))"
        }
    }
}
