import Foundation
import ArgumentParser

/// The bus flags, spelled as the services spell them (`--bus.servers`, `--bus.tls.caFile`, …) so
/// one habit works for `podguard`, `podguard-tap` and `podguard-bus`. Each also comes from the
/// environment (`PODGUARD_BUS_SERVERS`, …) and from `--config FILE`; a flag wins.
struct BusFlags: ParsableArguments {
    @Option(name: .customLong("bus.servers"), help: ArgumentHelp("NATS server URLs, comma-separated (env PODGUARD_BUS_SERVERS; default nats://127.0.0.1:4222).", valueName: "urls"))
    var servers: String?

    @Option(name: .customLong("bus.user"), help: ArgumentHelp("NATS user (env PODGUARD_BUS_USER). Without it: <prefix>-observer to read, <prefix>-admin to pause.", valueName: "user"))
    var user: String?

    @Option(name: .customLong("bus.password"), help: ArgumentHelp("NATS password; prefer the environment: PODGUARD_NATS_OBSERVER_PASSWORD and PODGUARD_NATS_ADMIN_PASSWORD, or PODGUARD_BUS_PASSWORD.", valueName: "password"))
    var password: String?

    @Option(name: .customLong("bus.token"), help: ArgumentHelp("NATS token (env PODGUARD_BUS_TOKEN).", valueName: "token"))
    var token: String?

    @Option(name: .customLong("bus.credentialsFile"), help: ArgumentHelp("NATS .creds file (env PODGUARD_BUS_CREDENTIALS_FILE).", valueName: "file"), completion: .file())
    var credentialsFile: String?

    @Option(name: .customLong("bus.nkeySeedFile"), help: ArgumentHelp("File holding an NKey seed (with --bus.nkeyPublicKey).", valueName: "file"), completion: .file())
    var nkeySeedFile: String?

    @Option(name: .customLong("bus.nkeyPublicKey"), help: ArgumentHelp("Public NKey (U...) of --bus.nkeySeedFile.", valueName: "key"))
    var nkeyPublicKey: String?

    @Option(name: .customLong("bus.tls.caFile"), help: ArgumentHelp("CA certificate(s) of the NATS servers (PEM).", valueName: "file"), completion: .file())
    var caFile: String?

    @Option(name: .customLong("bus.tls.certFile"), help: ArgumentHelp("Client certificate (PEM).", valueName: "file"), completion: .file())
    var certFile: String?

    @Option(name: .customLong("bus.tls.keyFile"), help: ArgumentHelp("Client private key (PEM).", valueName: "file"), completion: .file())
    var keyFile: String?

    @Option(name: .customLong("bus.tls.hostname"), help: ArgumentHelp("Server name in the NATS certificate, when it differs from the URL's host (a port-forward).", valueName: "name"))
    var tlsHostname: String?

    @Option(name: .customLong("bus.subjectPrefix"), help: ArgumentHelp("The installation's subject prefix (default podguard).", valueName: "prefix"))
    var subjectPrefix: String?

    @Option(name: .customLong("bus.inboxPrefix"), help: ArgumentHelp("Reply inboxes of a user whose name is not the installation's (default: _INBOX.<prefix>-observer or -admin).", valueName: "subject"))
    var inboxPrefix: String?

    @Option(name: .customLong("config"), help: ArgumentHelp("YAML file of bus.* keys, as podguard-bus install reads it (env PODGUARD_CONFIG).", valueName: "file"), completion: .file())
    var configFile: String?

    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("How long to wait for the bus before giving up, e.g. 5s.", valueName: "duration"))
    var connectTimeout: String = "5s"

    /// The flags given, by configuration key.
    var configurationFlags: [String: String] {
        let pairs: [(String, String?)] = [
            ("bus.servers", servers), ("bus.user", user), ("bus.password", password), ("bus.token", token),
            ("bus.credentialsFile", credentialsFile), ("bus.nkeySeedFile", nkeySeedFile), ("bus.nkeyPublicKey", nkeyPublicKey),
            ("bus.tls.caFile", caFile), ("bus.tls.certFile", certFile), ("bus.tls.keyFile", keyFile),
            ("bus.tls.hostname", tlsHostname), ("bus.subjectPrefix", subjectPrefix), ("bus.inboxPrefix", inboxPrefix),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } })
    }
}
