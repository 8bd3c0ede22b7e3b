import ArgumentParser
import Bus
import BusService
import Contracts
import Foundation
import Logging
import ServiceKit

/// `podguard-bus`: what an installation's bus administrator does. `install` creates or updates the
/// streams, consumers and buckets (services whose users may not create them wait for this);
/// `permissions` prints the NATS users and permissions the contract gives each service, as server
/// configuration or as the docs' table.
@main
struct BusAdminMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podguard-bus",
        abstract: "Installs podguard's bus topology; renders the NATS permissions of every podguard service.",
        version: "podguard-bus \(PodguardVersion.current)",
        subcommands: [Install.self, Permissions.self])
}

extension BusAdminMain {
    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update every stream, consumer and bucket (as the administrator user).",
            discussion: """
            Takes the services' bus keys (--bus.servers, --bus.user, --bus.password or PODGUARD_BUS_PASSWORD, \
            --bus.tls.*, --bus.subjectPrefix, --bus.streamReplicas, --config FILE); `podguard-bus install --help-keys` lists them.
            """)

        @Flag(name: .customLong("help-keys"), help: "List the configuration keys install reads.")
        var helpKeys = false

        @Argument(parsing: .allUnrecognized, help: "Configuration flags (--key value) as the services take them.")
        var options: [String] = []

        func run() async throws {
            let info = ServiceInfo(name: "bus", summary: "installs podguard's bus topology")
            let arguments = ["podguard-bus"] + (helpKeys ? ["--help"] : options)
            let application: PodguardApplication
            switch try PodguardApplication.make(info, schema: BusConfiguration.schema, arguments: arguments,
                                                environment: ProcessInfo.processInfo.environment) {
            case .run(let made):
                application = made
            case .exit(let code, let stdout, let stderr):
                FileHandle.standardOutput.write(Data(stdout.utf8))
                FileHandle.standardError.write(Data(stderr.utf8))
                throw ExitCode(code)
            }
            let options = try BusConfiguration.options(from: application.configuration, defaultName: "podguard-bus",
                                                       principal: .administrator)
            let topology = try BusConfiguration.topology(from: application.configuration)
            let connection = try await BusConnection.connect(options, logger: application.logger)
            do {
                try await connection.waitUntilConnected(timeout: .seconds(30))
                try await TopologyInstaller.ensure(topology, on: try connection.jetStream(), logger: application.logger)
                await connection.close()
            } catch {
                await connection.close()
                throw error
            }
        }
    }

    struct Permissions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every podguard user's NATS permissions: server configuration or the docs' table.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case nats, markdown
        }

        @Option(help: "nats: an accounts block for nats-server (passwords from PODGUARD_NATS_<ROLE>_PASSWORD); markdown: the docs' table.")
        var format: Format = .nats
        @Option(name: .customLong("subject-prefix"), help: "bus.subjectPrefix of the installation.")
        var subjectPrefix = PodguardSubjects.defaultPrefix
        @Option(help: "The NATS account holding podguard's users.")
        var account = "PODGUARD"
        @Option(parsing: .upToNextOption,
                help: "Families whose adapters get users (powerflex powerstore powerscale powermax unity generic).")
        var families: [String] = BusPrincipal.adapterFamilies.map(PodguardSubjects.token)
        @Option(name: .customLong("nkeys"),
                help: "A file of '<role> <public NKey>' lines: those users are NKey users (every role needs one); without it, passwords.")
        var nkeysFile: String?

        func run() throws {
            let topology = BusTopology(subjects: try PodguardSubjects(prefix: subjectPrefix))
            let chosen = try families.map { name -> Podguard_V1_ArrayFamily in
                guard let family = PodguardSubjects.family(fromToken: name), BusPrincipal.adapterFamilies.contains(family) else {
                    throw ValidationError("unknown family '\(name)'; expected one of \(BusPrincipal.adapterFamilies.map(PodguardSubjects.token))")
                }
                return family
            }
            switch format {
            case .nats:
                var authorization = NATSAuthorization.fromEnvironment(topology: topology, families: chosen, account: account)
                if let nkeysFile {
                    let keys = try Self.publicKeys(nkeysFile)
                    authorization.users = try authorization.users.map { principal, _ in
                        guard let key = keys[principal.role] else {
                            throw ValidationError("\(nkeysFile) has no public key for \(principal.role)")
                        }
                        return (principal, .nkey(publicKey: key))
                    }
                }
                print(authorization.accountsBlock(), terminator: "")
            case .markdown:
                print(BusAccessTable.markdown(topology, families: chosen), terminator: "")
            }
        }

        /// `<role> <public key>` per line; blank lines and `#` comments skipped.
        static func publicKeys(_ path: String) throws -> [String: String] {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(path): \(error.localizedDescription)")
            }
            var keys: [String: String] = [:]
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if fields.isEmpty || fields[0].hasPrefix("#") { continue }
                guard fields.count == 2, BusPrincipal(role: String(fields[0])) != nil, fields[1].hasPrefix("U"), fields[1].count == 56 else {
                    throw ValidationError("\(path):\(number + 1): expected '<role> <public user NKey U... (56 characters)>'")
                }
                keys[String(fields[0])] = String(fields[1])
            }
            return keys
        }
    }
}
