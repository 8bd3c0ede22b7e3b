import Foundation

extension FenceAgentTarget {
    /// A node's fence agent as its Kubernetes Secret describes it (one Secret per node, so access
    /// can be granted per node):
    ///
    /// ```yaml
    /// stringData:
    ///   agent: fence_ipmilan
    ///   password: <the BMC's password>
    ///   options: |
    ///     ip=10.0.0.12
    ///     username=admin
    ///     lanplus=1
    /// ```
    ///
    /// `options` holds one `name=value` per line (blank lines and `#` comments ignored). The
    /// result is validated (`validated()`); an error names the Secret and the offending key or line,
    /// never the password.
    public init(secretData data: [String: [UInt8]], secretName: String) throws(FenceAgentError) {
        func text(_ key: String) throws(FenceAgentError) -> String? {
            guard let bytes = data[key] else { return nil }
            guard let string = String(bytes: bytes, encoding: .utf8) else {
                throw .invalidTarget("Secret \(secretName): key '\(key)' is not UTF-8")
            }
            return string
        }
        guard let agent = try text("agent")?.trimmingCharacters(in: .whitespacesAndNewlines), !agent.isEmpty else {
            throw .invalidTarget("Secret \(secretName) has no 'agent' (e.g. fence_ipmilan)")
        }
        var options: [String: String] = [:]
        for (number, rawLine) in (try text("options") ?? "").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw .invalidTarget("Secret \(secretName): options line \(number + 1) is not name=value")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard options[name] == nil else {
                throw .invalidTarget("Secret \(secretName): option '\(name)' is given twice")
            }
            options[name] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        let password = try text("password").map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 }
        self = try FenceAgentTarget(agent: agent, options: options, password: password).validated()
    }
}
