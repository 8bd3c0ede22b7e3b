import Foundation
import ServiceLifecycle
import Testing

@testable import ServiceKit

@Suite struct PodguardApplicationTests {
    let info = ServiceInfo(name: "tap", summary: "Prints every podguard message on the bus.")
    let schema = ConfigSchema([
        ConfigKey("tap.exitAfterMessages", .int, default: nil, help: "Exit after this many messages."),
        ConfigKey("tap.ensureTopology", .bool, default: "false", help: "Create the streams first."),
    ])

    private func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> LaunchOutcome {
        try PodguardApplication.make(info, schema: schema, arguments: ["podguard-tap"] + arguments, environment: environment)
    }

    private func exitOutput(_ outcome: LaunchOutcome) throws -> (code: Int32, stdout: String, stderr: String) {
        guard case .exit(let code, let stdout, let stderr) = outcome else {
            Issue.record("expected .exit, got .run")
            throw CancellationError()
        }
        return (code, stdout, stderr)
    }

    private func application(_ arguments: [String], environment: [String: String] = [:]) throws -> PodguardApplication {
        let outcome = try launch(arguments, environment: environment)
        guard case .run(let application) = outcome else {
            Issue.record("expected .run, got \(outcome)")
            throw CancellationError()
        }
        return application
    }

    @Test func versionPrintsNameAndVersion() throws {
        let result = try exitOutput(try launch(["--version"]))
        #expect(result.code == 0)
        #expect(result.stdout == "podguard-tap 0.1.0\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func helpListsEveryKeyWithKindDefaultAndEnvironmentName() throws {
        // --help wins even over a malformed command line.
        let result = try exitOutput(try launch(["--bogus", "--help"]))
        #expect(result.code == 0)
        #expect(result.stdout.hasPrefix("podguard-tap 0.1.0: Prints every podguard message on the bus.\n"))
        for key in ConfigSchema.common.keys + schema.keys {
            #expect(result.stdout.contains("--\(key.name) "), "missing \(key.name)")
            #expect(result.stdout.contains("env: \(key.environmentName)"), "missing \(key.environmentName)")
        }
        #expect(result.stdout.contains("kind: int 0...65535, default: 8080, env: PODGUARD_HTTP_PORT"))
        #expect(result.stdout.contains("kind: bool, default: false, env: PODGUARD_TAP_ENSURE_TOPOLOGY"))
        #expect(result.stdout.contains("default: tap, env: PODGUARD_BUS_NAME"))
        #expect(result.stdout.contains("Exit after this many messages."))
        #expect(result.stdout.contains("--config <file.yaml>"))
    }

    @Test func printConfigShowsEffectiveValuesWithSecretsMasked() throws {
        let file = try TemporaryFile("bus:\n  user: alice\n  password: from-file\n")
        defer { file.remove() }
        let result = try exitOutput(
            try launch(
                ["--print-config", "--log.level", "debug", "--tap.ensureTopology"],
                environment: ["PODGUARD_CONFIG": file.path, "PODGUARD_BUS_TOKEN": "tok-123"]))
        #expect(result.code == 0)
        #expect(!result.stdout.contains("from-file"))
        #expect(!result.stdout.contains("tok-123"))
        #expect(result.stdout.contains("bus.password: \"***\"  # file \(file.path)"))
        #expect(result.stdout.contains("bus.token: \"***\"  # environment PODGUARD_BUS_TOKEN"))
        #expect(result.stdout.contains("bus.user: alice  # file \(file.path)"))
        #expect(result.stdout.contains("log.level: debug  # flag --log.level"))
        #expect(result.stdout.contains("tap.ensureTopology: true  # flag --tap.ensureTopology"))
        #expect(result.stdout.contains("bus.name: tap  # default"))
    }

    @Test func configErrorExitsWith78AndNamesTheProblem() throws {
        let result = try exitOutput(try launch([], environment: ["PODGUARD_HTTP_PORT": "abc"]))
        #expect(result.code == 78)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "podguard-tap: configuration error: invalid value 'abc' for 'http.port' from environment PODGUARD_HTTP_PORT: expected an integer in 0...65535\n"
        )

        let unknown = try exitOutput(try launch(["--bus.sever=nats://x"]))
        #expect(unknown.code == 78)
        #expect(unknown.stderr == "podguard-tap: configuration error: unknown flag '--bus.sever'; did you mean '--bus.servers'?\n")

        let positional = try exitOutput(try launch(["stray"]))
        #expect(positional.code == 78)
        #expect(positional.stderr.contains("unexpected argument 'stray'"))

        let missingValue = try exitOutput(try launch(["--http.port"]))
        #expect(missingValue.stderr.contains("flag '--http.port' needs a value"))

        let missingFile = try exitOutput(try launch(["--config", "/nonexistent.yaml"]))
        #expect(missingFile.code == 78)
        #expect(missingFile.stderr.contains("cannot read configuration file /nonexistent.yaml"))
    }

    @Test func flagsInBothFormsAndFileFlagBeatsEnvironmentFile() throws {
        let fileA = try TemporaryFile("http:\n  port: 1111\n")
        let fileB = try TemporaryFile("http:\n  port: 2222\n")
        defer {
            fileA.remove()
            fileB.remove()
        }
        let app = try application(
            ["--config", fileB.path, "--bus.servers=nats://a,nats://b", "--tap.exitAfterMessages", "5",
             "--tap.ensureTopology", "no"],
            environment: ["PODGUARD_CONFIG": fileA.path])
        #expect(app.configuration.int("http.port") == 2222)
        #expect(app.configuration.stringList("bus.servers") == ["nats://a", "nats://b"])
        #expect(app.configuration.int("tap.exitAfterMessages") == 5)
        #expect(app.configuration.bool("tap.ensureTopology") == false)
        #expect(app.configuration.string("bus.name") == "tap")
        #expect(app.info.version == PodguardVersion.current)
    }

    @Test func commandLineParsing() throws {
        let parsed = try CommandLineArguments.parse(
            ["--tap.ensureTopology", "--http.port", "0", "--bus.user=a=b", "--print-config"],
            schema: PodguardApplication.effectiveSchema(info, schema))
        #expect(parsed.flags == ["tap.ensureTopology": "true", "http.port": "0", "bus.user": "a=b"])
        #expect(parsed.printConfig)
    }

    /// A worker that, like a bus consumer, finishes its in-flight item on graceful shutdown.
    struct DrainingWorker: Service, CustomStringConvertible {
        let events: EventLog
        let readiness: ReadinessRegistry
        var description: String { "DrainingWorker" }

        func run() async throws {
            events.record("started")
            try? await gracefulShutdown()
            events.record(readiness.isReady ? "shutdown while ready" : "shutdown after readiness off")
            try await Task.sleep(for: .milliseconds(50))  // finishes the in-flight item
            events.record("drained")
        }
    }

    @Test func gracefulShutdownReachesServicesAfterReadinessTurnsOff() async throws {
        let app = try application(["--http.port=0", "--shutdown.gracePeriod=5s"])
        let events = EventLog()
        let group = app.serviceGroup(
            [DrainingWorker(events: events, readiness: app.readiness)], gracefulShutdownSignals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(await eventually { events.events.contains("started") })
            let port = await app.operationsServer.boundPort
            #expect(try await LoopbackHTTPClient.get(port: port, path: "/readyz").status == 200)

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(events.events == ["started", "shutdown after readiness off", "drained"])
        #expect(app.readiness.isShuttingDown)
    }

    struct Failing: Service, CustomStringConvertible {
        struct Boom: Error {}
        var description: String { "Failing" }
        func run() async throws {
            try await Task.sleep(for: .milliseconds(100))
            throw Boom()
        }
    }

    struct Finishing: Service, CustomStringConvertible {
        var description: String { "Finishing" }
        func run() async throws {
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func aFailingServiceShutsTheOthersDownGracefullyAndRunRethrows() async throws {
        let app = try application(["--http.port=0"])
        let events = EventLog()
        await #expect(throws: Failing.Boom.self) {
            try await app.run([DrainingWorker(events: events, readiness: app.readiness), Failing()], gracefulShutdownSignals: [])
        }
        #expect(events.events == ["started", "shutdown after readiness off", "drained"])
    }

    @Test func aServiceReturningEndsRunNormallyAfterGracefulShutdown() async throws {
        let app = try application(["--http.port=0"])
        let events = EventLog()
        try await app.run([DrainingWorker(events: events, readiness: app.readiness), Finishing()], gracefulShutdownSignals: [])
        #expect(events.events == ["started", "shutdown after readiness off", "drained"])
    }

    @Test func gracePeriodCancelsServicesThatDoNotFinish() async throws {
        struct Stubborn: Service, CustomStringConvertible {
            let events: EventLog
            var description: String { "Stubborn" }
            func run() async throws {
                try? await gracefulShutdown()
                events.record("asked to stop")
                do {
                    try await Task.sleep(for: .seconds(30))
                    events.record("ignored cancellation")
                } catch {
                    events.record("cancelled")
                }
            }
        }
        let app = try application(["--http.port=0", "--shutdown.gracePeriod=200ms"])
        let events = EventLog()
        let started = ContinuousClock.now
        try? await app.run([Stubborn(events: events), Finishing()], gracefulShutdownSignals: [])
        #expect(events.events == ["asked to stop", "cancelled"])
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
