import Foundation

/// How to reach one node's power switch through a ClusterLabs fence agent: the agent (an executable
/// such as `fence_ipmilan` or `fence_redfish`), its options (`ip`, `ipport`, `username`, `lanplus`,
/// `cipher`, …, as the agent's own `--help` names them without dashes) and the password apart.
///
/// Every option reaches the agent on its standard input (the agents' `name=value` form), never in
/// its arguments or environment, so no credential shows in the process table. The password never
/// appears in `description`, logs or errors.
public struct FenceAgentTarget: Sendable, Hashable, CustomStringConvertible {
    public var agent: String
    public var options: [String: String]
    public var password: String?

    public init(agent: String, options: [String: String], password: String? = nil) {
        self.agent = agent
        self.options = options
        self.password = password
    }

    /// The agent and its non-secret options; the password as `***` when set.
    public var description: String {
        let shown = options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return "\(agent) " + (shown + (password == nil ? [] : ["password=***"])).joined(separator: " ")
    }

    /// Checks what the agent will be given: a plain agent name (`fence_<name>`, looked up in the
    /// agents' directory, never a path), option names of lower-case letters, digits and `_`, and no
    /// line break in any value (a value must not smuggle in another option).
    public func validated() throws(FenceAgentError) -> FenceAgentTarget {
        guard agent.hasPrefix("fence_"), agent.count > 6,
              agent.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw .invalidTarget("agent '\(agent)' is not a fence agent name (fence_<name>)")
        }
        for (name, value) in options {
            guard !name.isEmpty, name.allSatisfy({ ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "_" }) else {
                throw .invalidTarget("option name '\(name)' of \(agent) is not an agent option (lower case, digits, _)")
            }
            guard name != "password", name != "action" else {
                throw .invalidTarget("option '\(name)' of \(agent) is set by podguard, not by the target")
            }
            guard !value.contains(where: \.isNewline) else {
                throw .invalidTarget("option '\(name)' of \(agent) contains a line break")
            }
        }
        if let password, password.contains(where: \.isNewline) {
            throw .invalidTarget("the password of \(agent) contains a line break")
        }
        return self
    }

    /// The agent's standard input for `action`.
    func standardInput(action: FenceAgentAction) -> String {
        var lines = options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if let password { lines.append("password=\(password)") }
        lines.append("action=\(action.rawValue)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` with the password masked.
    func redacting(_ text: String) -> String {
        guard let password, !password.isEmpty else { return text }
        return text.replacingOccurrences(of: password, with: "***")
    }
}

/// What a fence agent is asked to do.
public enum FenceAgentAction: String, Sendable, Hashable {
    case status, off, on, reboot
}

/// A node's power as its fence agent reports it.
public enum PowerState: String, Sendable, Hashable {
    case on, off
}
