#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Prometheus
import UnixSignals

/// A podguard service process: configuration, logging, metrics, readiness and the operations HTTP
/// server, wired the same way in every service.
///
/// ```swift
/// let app = PodguardApplication.bootstrap(ServiceInfo(name: "tap", summary: "..."), schema: tapSchema)
/// try await app.run([TapService(app: app)])
/// ```
///
/// Graceful shutdown: on SIGTERM/SIGINT every service receives swift-service-lifecycle's graceful
/// shutdown (observe it with `gracefulShutdown()`, `cancelWhenGracefulShutdown` or
/// `cancelOnGracefulShutdown()`). A service must then stop taking new work, finish what is in
/// flight and **hand unfinished work back to the bus** (nak / do not ack), so another replica picks it
/// up; after `shutdown.gracePeriod` the remaining services are cancelled.
public struct PodguardApplication: Sendable {
    public let info: ServiceInfo
    public let configuration: Configuration
    public let logger: Logger
    public let readiness: ReadinessRegistry
    /// The `/metrics`, `/healthz`, `/readyz` server that ``run(_:)`` starts; its ``OperationsHTTPServer/boundPort``
    /// tells the real port when `http.port` is 0.
    public let operationsServer: OperationsHTTPServer

    /// Bootstraps logging (`log.format`, `log.level`) and metrics from `configuration`; the process-wide
    /// parts happen once per process, whatever the number of applications made.
    init(info: ServiceInfo, configuration: Configuration) {
        let level = configuration.string("log.level").flatMap(Logger.Level.init(rawValue:)) ?? .info
        let format = configuration.string("log.format").flatMap(LogFormat.init(rawValue:)) ?? .json
        LoggingBootstrap.bootstrap(service: info.name, format: format, level: level)
        let registry = MetricsBootstrap.registry()
        var logger = Logger(label: info.name)
        logger.logLevel = level
        let readiness = ReadinessRegistry()
        self.info = info
        self.configuration = configuration
        self.logger = logger
        self.readiness = readiness
        self.operationsServer = OperationsHTTPServer(
            host: configuration.string("http.host") ?? "127.0.0.1",
            port: configuration.int("http.port") ?? 8080,
            readiness: readiness,
            registry: registry,
            logger: logger
        )
    }

    /// Parses the command line and builds the application, or exits the process.
    ///
    /// Options: `--help` (every key with kind, default, environment variable and help; exit 0),
    /// `--version` (`podguard-<name> <version>`; exit 0), `--config <file.yaml>` (or `PODGUARD_CONFIG`),
    /// `--print-config` (the effective configuration, secrets masked; exit 0) and the dotted
    /// `--key=value` flags. `schema` is merged onto ``ConfigSchema/common``; see ``ConfigLoader`` for
    /// precedence. A configuration error prints `podguard-<name>: configuration error: ...` to stderr
    /// and exits with 78 (EX_CONFIG), so an orchestrator can tell bad configuration from a crash.
    ///
    /// - Parameter arguments: the full argument vector; the first element (the executable) is skipped.
    public static func bootstrap(
        _ info: ServiceInfo,
        schema: ConfigSchema,
        arguments: [String] = CommandLine.arguments,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PodguardApplication {
        let outcome: LaunchOutcome
        do {
            outcome = try make(info, schema: schema, arguments: arguments, environment: environment)
        } catch {
            FileDescriptorWriter.write("\(info.executableName): \(error)\n", to: 2)
            exit(1)
        }
        switch outcome {
        case .run(let application):
            return application
        case .exit(let code, let stdout, let stderr):
            FileDescriptorWriter.write(stdout, to: 1)
            FileDescriptorWriter.write(stderr, to: 2)
            exit(code)
        }
    }

    /// ``bootstrap(_:schema:arguments:environment:)`` without exiting: returns what the process
    /// should do. Building the application bootstraps logging and metrics, as `bootstrap` does.
    public static func make(
        _ info: ServiceInfo,
        schema: ConfigSchema,
        arguments: [String],
        environment: [String: String]
    ) throws -> LaunchOutcome {
        let effective = effectiveSchema(info, schema)
        let rest = Array(arguments.dropFirst())
        // Help and version win over everything else, even a malformed command line.
        if rest.contains("--help") || rest.contains("-h") {
            return .exit(code: 0, stdout: HelpText.render(info, schema: effective), stderr: "")
        }
        if rest.contains("--version") {
            return .exit(code: 0, stdout: "\(info.executableName) \(info.version)\n", stderr: "")
        }
        do throws(ConfigError) {
            let parsed = try CommandLineArguments.parse(rest, schema: effective)
            let file = parsed.configFile ?? environment["PODGUARD_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            let configuration = try ConfigLoader.load(
                schema: effective, file: file, environment: environment, flags: parsed.flags)
            if parsed.printConfig {
                return .exit(code: 0, stdout: configuration.rendered(), stderr: "")
            }
            return .run(PodguardApplication(info: info, configuration: configuration))
        } catch {
            return .exit(
                code: exitConfigurationError, stdout: "",
                stderr: "\(info.executableName): configuration error: \(error.description)\n")
        }
    }

    /// EX_CONFIG from sysexits.h.
    public static let exitConfigurationError: Int32 = 78

    /// `common` merged with the service's keys; `bus.name` defaults to the service name so NATS
    /// connections are attributable without configuration.
    static func effectiveSchema(_ info: ServiceInfo, _ schema: ConfigSchema) -> ConfigSchema {
        var effective = ConfigSchema.common.merging(schema)
        if let busName = effective.key(named: "bus.name"), busName.defaultValue == nil {
            effective = effective.merging(ConfigSchema([
                ConfigKey("bus.name", busName.kind, default: info.name, range: nil, secret: busName.isSecret, help: busName.help)
            ]))
        }
        return effective
    }

    /// Runs the operations HTTP server and `services` until SIGTERM/SIGINT or until one of them ends.
    ///
    /// A service returning or throwing shuts the others down gracefully; a thrown error is logged
    /// and rethrown so the process exits non-zero. Graceful shutdown first turns readiness off, then
    /// signals the services in reverse order (the HTTP server last, so probes keep being answered),
    /// each of which must finish in-flight work and hand unfinished work back to the bus; after
    /// `shutdown.gracePeriod` whatever still runs is cancelled.
    public func run(_ services: [any Service]) async throws {
        try await run(services, gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// ``run(_:)`` with other shutdown signals; tests pass none, so they never touch signal handling.
    func run(_ services: [any Service], gracefulShutdownSignals: [UnixSignal]) async throws {
        do {
            try await serviceGroup(services, gracefulShutdownSignals: gracefulShutdownSignals).run()
        } catch {
            logger.error("service failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// The group ``run(_:)`` runs, for tests and callers that need to trigger graceful shutdown
    /// themselves (`triggerGracefulShutdown()`) or listen to other signals.
    public func serviceGroup(
        _ services: [any Service],
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]
    ) -> ServiceGroup {
        typealias Entry = ServiceGroupConfiguration.ServiceConfiguration
        var entries = [
            Entry(
                service: operationsServer,
                successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup,
                serviceName: "OperationsHTTPServer")
        ]
        for service in services {
            entries.append(
                Entry(
                    service: service,
                    successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        entries.append(
            Entry(
                service: ReadinessShutdownService(readiness: readiness, logger: logger),
                successTerminationBehavior: .ignore,
                failureTerminationBehavior: .ignore))
        var configuration = ServiceGroupConfiguration(
            services: entries,
            gracefulShutdownSignals: gracefulShutdownSignals,
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = self.configuration.duration("shutdown.gracePeriod")
        return ServiceGroup(configuration: configuration)
    }
}
