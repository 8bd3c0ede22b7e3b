import Testing

@testable import ServiceKit

@Suite struct ConfigLoaderTests {
    let schema = ConfigSchema.common.merging(
        ConfigSchema([
            ConfigKey("tap.exitAfterMessages", .int, default: nil, help: "Exit after this many messages."),
            ConfigKey("tap.ensureTopology", .bool, default: "false", help: "Create streams."),
            ConfigKey("tap.ratio", .double, default: "0.5", help: "A ratio."),
        ]))

    func load(
        file: String? = nil, environment: [String: String] = [:], flags: [String: String] = [:]
    ) throws(ConfigError) -> Configuration {
        try ConfigLoader.load(schema: schema, file: file, environment: environment, flags: flags)
    }

    func error(
        file: String? = nil, environment: [String: String] = [:], flags: [String: String] = [:]
    ) -> ConfigError? {
        do {
            _ = try load(file: file, environment: environment, flags: flags)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsApplyWhenNothingIsGiven() throws {
        let configuration = try load()
        #expect(configuration.string("log.level") == "info")
        #expect(configuration.string("log.format") == "json")
        #expect(configuration.string("http.host") == "127.0.0.1")
        #expect(configuration.int("http.port") == 8080)
        #expect(configuration.duration("shutdown.gracePeriod") == .seconds(30))
        #expect(configuration.stringList("bus.servers") == ["nats://127.0.0.1:4222"])
        #expect(configuration.string("bus.subjectPrefix") == "podguard")
        #expect(configuration.string("bus.user") == nil)
        #expect(configuration.int("tap.exitAfterMessages") == nil)
        #expect(configuration.bool("tap.ensureTopology") == false)
        #expect(configuration.double("tap.ratio") == 0.5)
        #expect(configuration.source(of: "http.port") == .default)
    }

    @Test func precedenceIsDefaultThenFileThenEnvironmentThenFlag() throws {
        let file = try TemporaryFile("http:\n  port: 1001\n")
        defer { file.remove() }

        let fromFile = try load(file: file.path)
        #expect(fromFile.int("http.port") == 1001)
        #expect(fromFile.source(of: "http.port") == .file(file.path))

        let environment = ["PODGUARD_HTTP_PORT": "1002"]
        let fromEnvironment = try load(file: file.path, environment: environment)
        #expect(fromEnvironment.int("http.port") == 1002)
        #expect(fromEnvironment.source(of: "http.port") == .environment("PODGUARD_HTTP_PORT"))

        let fromFlag = try load(file: file.path, environment: environment, flags: ["http.port": "1003"])
        #expect(fromFlag.int("http.port") == 1003)
        #expect(fromFlag.source(of: "http.port") == .flag("--http.port"))

        // Each source only overrides the keys it sets.
        #expect(fromFlag.source(of: "http.host") == .default)
    }

    @Test func yamlNestedMapsListsAndDottedKeys() throws {
        let file = try TemporaryFile(
            """
            log:
              level: DEBUG
            bus:
              servers:
                - nats://a:4222
                - nats://b:4222
              tls:
                caFile: /etc/ca.pem
            shutdown.gracePeriod: 1.5s
            tap:
              exitAfterMessages: 10
              ensureTopology: yes
            """)
        defer { file.remove() }
        let configuration = try load(file: file.path)
        #expect(configuration.string("log.level") == "debug")
        #expect(configuration.stringList("bus.servers") == ["nats://a:4222", "nats://b:4222"])
        #expect(configuration.string("bus.tls.caFile") == "/etc/ca.pem")
        #expect(configuration.duration("shutdown.gracePeriod") == .milliseconds(1500))
        #expect(configuration.int("tap.exitAfterMessages") == 10)
        #expect(configuration.bool("tap.ensureTopology") == true)
        #expect(configuration.source(of: "bus.tls.caFile") == .file(file.path))
    }

    @Test func commaSeparatedListsFromEverySource() throws {
        let file = try TemporaryFile("bus:\n  servers: nats://a, nats://b\n")
        defer { file.remove() }
        #expect(try load(file: file.path).stringList("bus.servers") == ["nats://a", "nats://b"])
        let environment = ["PODGUARD_BUS_SERVERS": "nats://c,nats://d"]
        #expect(try load(environment: environment).stringList("bus.servers") == ["nats://c", "nats://d"])
        let flags = ["--bus.servers": "nats://e, nats://f,"]
        #expect(try load(flags: flags).stringList("bus.servers") == ["nats://e", "nats://f"])
    }

    @Test func emptyAndNullYamlLeavesDefaults() throws {
        let empty = try TemporaryFile("")
        let nulls = try TemporaryFile("bus:\n  user: ~\n")
        defer {
            empty.remove()
            nulls.remove()
        }
        #expect(try load(file: empty.path).int("http.port") == 8080)
        #expect(try load(file: nulls.path).string("bus.user") == nil)
    }

    @Test func unknownEnvironmentVariablesAreIgnoredAndEmptyOnesDoNotOverride() throws {
        let configuration = try load(environment: [
            "PODGUARD_BUS_SEVERS": "x", "PODGUARD_SOMETHING_ELSE": "y", "PODGUARD_HTTP_HOST": "",
        ])
        #expect(configuration.string("http.host") == "127.0.0.1")
    }

    @Test func unknownYamlKeyIsNamedWithSuggestion() throws {
        let file = try TemporaryFile("bus:\n  sever: nats://a\n")
        defer { file.remove() }
        let failure = try #require(error(file: file.path))
        #expect(failure.key == "bus.sever")
        #expect(failure.description == "unknown key 'bus.sever' in \(file.path); did you mean 'bus.servers'?")
    }

    @Test func unknownKeyFarFromEverythingHasNoSuggestion() throws {
        let file = try TemporaryFile("completely: unrelated\n")
        defer { file.remove() }
        let failure = try #require(error(file: file.path))
        #expect(failure.description == "unknown key 'completely' in \(file.path)")
    }

    @Test func unknownFlagIsNamedWithSuggestion() throws {
        let failure = try #require(error(flags: ["log.levle": "debug"]))
        #expect(failure.key == "log.levle")
        #expect(failure.description == "unknown flag '--log.levle'; did you mean '--log.level'?")
    }

    @Test(arguments: [
        (
            ["PODGUARD_HTTP_PORT": "abc"], [String: String](),
            "invalid value 'abc' for 'http.port' from environment PODGUARD_HTTP_PORT: expected an integer in 0...65535"
        ),
        (
            [:], ["http.port": "70000"],
            "invalid value '70000' for 'http.port' from flag --http.port: expected an integer in 0...65535"
        ),
        (
            [:], ["http.port": "-1"],
            "invalid value '-1' for 'http.port' from flag --http.port: expected an integer in 0...65535"
        ),
        (
            ["PODGUARD_TAP_EXIT_AFTER_MESSAGES": "ten"], [:],
            "invalid value 'ten' for 'tap.exitAfterMessages' from environment PODGUARD_TAP_EXIT_AFTER_MESSAGES: expected an integer"
        ),
        (
            [:], ["tap.ensureTopology": "maybe"],
            "invalid value 'maybe' for 'tap.ensureTopology' from flag --tap.ensureTopology: expected a boolean (true/false/yes/no/1/0)"
        ),
        (
            ["PODGUARD_SHUTDOWN_GRACE_PERIOD": "soon"], [:],
            "invalid value 'soon' for 'shutdown.gracePeriod' from environment PODGUARD_SHUTDOWN_GRACE_PERIOD: expected a duration such as 250ms, 2s, 1.5s, 5m, 1h or 100us (a plain number means seconds)"
        ),
        (
            [:], ["log.level": "loud"],
            "invalid value 'loud' for 'log.level' from flag --log.level: expected one of trace, debug, info, notice, warning, error, critical"
        ),
        (
            [:], ["tap.ratio": "half"],
            "invalid value 'half' for 'tap.ratio' from flag --tap.ratio: expected a number"
        ),
    ])
    func invalidValuesNameKeySourceAndExpectedForm(environment: [String: String], flags: [String: String], message: String) throws {
        let failure = try #require(error(environment: environment, flags: flags))
        #expect(failure.description == message)
    }

    @Test func invalidValueFromFileNamesTheFile() throws {
        let file = try TemporaryFile("http:\n  port: [1, 2]\n")
        defer { file.remove() }
        let failure = try #require(error(file: file.path))
        #expect(failure.key == "http.port")
        #expect(failure.description.contains("for 'http.port' from file \(file.path): expected an integer"))
    }

    @Test func portBoundsAreAccepted() throws {
        #expect(try load(flags: ["http.port": "0"]).int("http.port") == 0)
        #expect(try load(flags: ["http.port": "65535"]).int("http.port") == 65535)
    }

    @Test func missingOrMalformedFileIsAnError() throws {
        let missing = try #require(error(file: "/nonexistent/podguard.yaml"))
        #expect(missing.description.contains("cannot read configuration file /nonexistent/podguard.yaml"))

        let malformed = try TemporaryFile("bus: [unclosed\n")
        let notAMap = try TemporaryFile("- a\n- b\n")
        defer {
            malformed.remove()
            notAMap.remove()
        }
        #expect(try #require(error(file: malformed.path)).description.contains("cannot parse configuration file"))
        #expect(try #require(error(file: notAMap.path)).description.contains("must be a map"))
    }

    @Test func renderedShowsValuesSourcesAndMasksSecrets() throws {
        let configuration = try load(
            environment: ["PODGUARD_BUS_PASSWORD": "hunter2", "PODGUARD_BUS_TOKEN": "s3cr3t"],
            flags: ["bus.servers": "nats://a,nats://b", "bus.user": "alice"])
        let rendered = configuration.rendered()
        #expect(!rendered.contains("hunter2"))
        #expect(!rendered.contains("s3cr3t"))
        #expect(rendered.contains("bus.password: \"***\"  # environment PODGUARD_BUS_PASSWORD"))
        #expect(rendered.contains("bus.token: \"***\"  # environment PODGUARD_BUS_TOKEN"))
        #expect(rendered.contains("bus.servers: [nats://a, nats://b]  # flag --bus.servers"))
        #expect(rendered.contains("bus.user: alice  # flag --bus.user"))
        #expect(rendered.contains("http.port: 8080  # default"))
        #expect(rendered.contains("shutdown.gracePeriod: 30s  # default"))
        #expect(rendered.contains("bus.credentialsFile: ~  # unset"))
    }

    @Test func schemaMergingReplacesSameNamedKeysInPlace() {
        let merged = ConfigSchema.common.merging(
            ConfigSchema([ConfigKey("http.port", .int, default: "9090", range: 1...65535, help: "x")]))
        #expect(merged.keys.count == ConfigSchema.common.keys.count)
        #expect(merged.key(named: "http.port")?.defaultValue == "9090")
        #expect(merged.keys.map(\.name) == ConfigSchema.common.keys.map(\.name))
    }

    @Test func secretKeysAreDetectedByName() {
        #expect(ConfigSchema.common.key(named: "bus.password")?.isSecret == true)
        #expect(ConfigSchema.common.key(named: "bus.token")?.isSecret == true)
        #expect(ConfigSchema.common.key(named: "bus.user")?.isSecret == false)
    }

    @Test func editDistanceSuggestions() {
        #expect(EditDistance.between("kitten", "sitting") == 3)
        #expect(EditDistance.between("", "abc") == 3)
        #expect(EditDistance.nearest(to: "bus.sever", among: ["bus.servers", "bus.user"]) == "bus.servers")
        #expect(EditDistance.nearest(to: "zzzzzz", among: ["bus.servers"]) == nil)
    }

    @Test func unknownGetterKeyIsAProgrammerError() async {
        await #expect(processExitsWith: .failure) {
            let configuration = try ConfigLoader.load(schema: .common, file: nil, environment: [:], flags: [:])
            _ = configuration.string("no.such.key")
        }
    }
}
