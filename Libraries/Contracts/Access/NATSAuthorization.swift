/// How the NATS server knows a principal's user.
public enum NATSUserCredential: Hashable, Sendable {
    /// A password written into the configuration (tests, the demo).
    case password(String)
    /// A password the server reads from an environment variable (`password: $NAME`), as the
    /// official NATS Helm chart passes Secrets in.
    case passwordFromEnvironment(String)
    /// A bcrypt hash of the password (`nats server passwd`).
    case bcryptHash(String)
    /// An NKey user: the public key (U...); the seed stays with the service.
    case nkey(publicKey: String)
}

/// Renders the nats-server configuration of podguard's users: one account with JetStream, one
/// user per principal with exactly the permissions `BusTopology.permissions(for:)` gives.
public struct NATSAuthorization: Sendable {
    public var topology: BusTopology
    /// The NATS account holding podguard's users, streams and buckets.
    public var account: String
    public var users: [(principal: BusPrincipal, credential: NATSUserCredential)]

    public init(topology: BusTopology, account: String = "PODGUARD", users: [(principal: BusPrincipal, credential: NATSUserCredential)]) {
        self.topology = topology
        self.account = account
        self.users = users
    }

    /// Every principal with its password read from `PODGUARD_NATS_<ROLE>_PASSWORD` (role
    /// upper-cased, '-' as '_'): the form the Helm values in docs/helm.md use.
    public static func fromEnvironment(topology: BusTopology, families: [Podguard_V1_ArrayFamily] = BusPrincipal.adapterFamilies,
                                       account: String = "PODGUARD") -> NATSAuthorization {
        NATSAuthorization(topology: topology, account: account, users: BusPrincipal.all(families: families).map {
            ($0, .passwordFromEnvironment(passwordVariable(for: $0)))
        })
    }

    /// `PODGUARD_NATS_<ROLE>_PASSWORD`.
    public static func passwordVariable(for principal: BusPrincipal) -> String {
        "PODGUARD_NATS_" + principal.role.uppercased().replacingOccurrences(of: "-", with: "_") + "_PASSWORD"
    }

    /// The `accounts { ... }` block (nats-server configuration syntax), to include in a server's
    /// configuration beside `jetstream { ... }`.
    public func accountsBlock() -> String {
        var lines = ["accounts {", "  \(Self.quoted(account)): {", "    jetstream: enabled", "    users: ["]
        for (principal, credential) in users {
            let permissions = topology.permissions(for: principal)
            lines.append("      {")
            let user = "        user: \(Self.quoted(topology.userName(for: principal)))"
            switch credential {
            case .password(let password), .bcryptHash(let password):
                lines += [user, "        password: \(Self.quoted(password))"]
            case .passwordFromEnvironment(let variable):
                lines += [user, "        password: $\(variable)"]
            case .nkey(let publicKey):
                lines.append("        nkey: \(Self.quoted(publicKey))")
            }
            lines.append("        # \(principal.role)")
            lines.append("        permissions: {")
            lines.append("          publish: \(Self.rule(permissions.publish))")
            lines.append("          subscribe: \(Self.rule(permissions.subscribe))")
            if permissions.allowResponses { lines.append("          allow_responses: true") }
            lines.append("        }")
            lines.append("      }")
        }
        lines += ["    ]", "  }", "}"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// An allow list; none at all is a deny of everything (an empty allow list would allow all).
    static func rule(_ subjects: [String]) -> String {
        subjects.isEmpty ? "{ deny: [\">\"] }" : "{ allow: [" + subjects.map(quoted).joined(separator: ", ") + "] }"
    }

    /// A double-quoted string: `$` and `>` stay literal inside quotes (unquoted `$X` is a variable).
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
