import Bus
import BusService
import Contracts
import ServiceKit
import Testing

@Suite("bus options from configuration")
struct BusConfigurationTests {
    static let schema = ConfigSchema.common.merging(BusConfiguration.schema)

    static func options(_ flags: [String: String], as principal: BusPrincipal = .decision) throws -> BusOptions {
        let configuration = try ConfigLoader.load(schema: schema, file: nil, environment: [:], flags: flags)
        return try BusConfiguration.options(from: configuration, defaultName: "svc", principal: principal)
    }

    static func error(_ flags: [String: String]) -> ConfigError? {
        do {
            _ = try options(flags)
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            return nil
        }
    }

    @Test("defaults: local server, the service's name, no credentials, no TLS")
    func defaults() throws {
        let options = try Self.options([:])
        #expect(options.servers == ["nats://127.0.0.1:4222"])
        #expect(options.name == "svc")
        #expect(options.credentials == .none)
        #expect(options.tls == nil)
        #expect(options.defaultRequestTimeout == .seconds(2))
    }

    @Test("every credential kind, TLS files, reconnect tuning")
    func everyOption() throws {
        #expect(try Self.options(["bus.user": "u", "bus.password": "p"]).credentials == .userPassword(user: "u", password: "p"))
        #expect(try Self.options(["bus.token": "t"]).credentials == .token("t"))
        #expect(try Self.options(["bus.credentialsFile": "/x.creds"]).credentials == .credentialsFile(path: "/x.creds"))
        #expect(try Self.options(["bus.nkeySeedFile": "/seed", "bus.nkeyPublicKey": "UABC"]).credentials
                == .nkey(publicKey: "UABC", seedFile: "/seed"))
        let tls = try Self.options(["bus.servers": "tls://127.0.0.1:4443", "bus.tls.caFile": "/ca.pem",
                                    "bus.tls.certFile": "/c.pem", "bus.tls.keyFile": "/k.pem", "bus.tls.hostname": "nats.local"])
        #expect(tls.tls == BusOptions.TLS(caFile: "/ca.pem", certificateFile: "/c.pem", keyFile: "/k.pem", expectedHostname: "nats.local"))
        let tuned = try Self.options(["bus.servers": "nats://127.0.0.1:1,nats://127.0.0.1:2", "bus.reconnect.maxDelay": "5s",
                                      "bus.subscriptionBuffer": "100", "bus.requestTimeout": "250ms"])
        #expect(tuned.servers == ["nats://127.0.0.1:1", "nats://127.0.0.1:2"])
        #expect(tuned.reconnect.maxDelay == .seconds(5))
        #expect(tuned.subscriptionBufferCapacity == 100)
        #expect(tuned.defaultRequestTimeout == .milliseconds(250))
    }

    @Test("each principal's inboxes are the ones its permissions grant; the prefix and replicas follow the keys")
    func inboxesAndTopology() throws {
        #expect(try Self.options([:], as: .decision).inboxPrefix == "_INBOX.podguard-decision")
        #expect(try Self.options([:], as: .controllerAdapter(.unity)).inboxPrefix == "_INBOX.podguard-adapter-unity-controller")
        #expect(try Self.options(["bus.subjectPrefix": "east.pg"], as: .watcher).inboxPrefix == "_INBOX.east-pg-watcher")
        #expect(try Self.options(["bus.inboxPrefix": "_INBOX_custom"]).inboxPrefix == "_INBOX_custom")
        let configuration = try ConfigLoader.load(schema: Self.schema, file: nil, environment: [:], flags: ["bus.streamReplicas": "3"])
        let topology = try BusConfiguration.topology(from: configuration)
        #expect(topology.replicas == 3 && topology.streams.allSatisfy { $0.replicas == 3 } && topology.buckets.allSatisfy { $0.replicas == 3 })
    }

    @Test("contradictions and bad values name the key", arguments: [
        (["bus.user": "u"], "bus.password"),
        (["bus.password": "p"], "bus.user"),
        (["bus.user": "u", "bus.password": "p", "bus.token": "t"], "bus.token"),
        (["bus.nkeySeedFile": "/seed"], "bus.nkeyPublicKey"),
        (["bus.tls.certFile": "/c.pem"], "bus.tls.keyFile"),
        (["bus.servers": "http://127.0.0.1:4222"], "bus.servers"),
        (["bus.inboxPrefix": "_INBOX.>"], "bus.inboxPrefix"),
        (["bus.inboxPrefix": "mine."], "bus.inboxPrefix"),
        (["bus.streamReplicas": "7"], "bus.streamReplicas"),
    ])
    func rejected(flags: [String: String], key: String) {
        let error = Self.error(flags)
        #expect(error?.key == key, "\(String(describing: error))")
    }
}
