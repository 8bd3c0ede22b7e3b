import NodeCleanupCore
import NodeCleanupService
import ServiceKit
import Testing

@Suite("node-cleanup settings")
struct NodeCleanupSettingsTests {
    static func load(flags: [String: String] = [:], environment: [String: String] = [:]) throws -> NodeCleanupSettings {
        let configuration = try ConfigLoader.load(schema: NodeCleanupSettings.schema, file: nil, environment: environment, flags: flags)
        return try NodeCleanupSettings(configuration, environment: environment, defaultInstance: "host-1")
    }

    @Test("defaults")
    func defaults() throws {
        let settings = try Self.load(flags: ["cleanup.nodeName": "w1"])
        #expect(settings.nodeName == "w1")
        #expect(settings.producerID == "node-cleanup/host-1")
        #expect(settings.timing.stabilityWindow == .seconds(30))
        #expect(settings.timing.observationTimeout == .seconds(15))
        #expect(settings.timing.retryDelay(afterFailures: 1) == .seconds(5))
        #expect(!settings.requireBootIDChangeAfterZombies && !settings.ignoreVolumelessPods)
        #expect(settings.privateMountDirectory == nil && settings.genericDrivers.isEmpty)
    }

    @Test("the node name: key, then PODGUARD_CLEANUP_NODE_NAME, then NODE_NAME, then KUBE_NODE_NAME")
    func nodeName() throws {
        #expect(try Self.load(environment: ["NODE_NAME": "from-downward-api"]).nodeName == "from-downward-api")
        #expect(try Self.load(environment: ["KUBE_NODE_NAME": "podmon-style"]).nodeName == "podmon-style")
        #expect(try Self.load(environment: ["PODGUARD_CLEANUP_NODE_NAME": "prefixed", "NODE_NAME": "other"]).nodeName == "prefixed")
        #expect(try Self.load(flags: ["cleanup.nodeName": "flag"], environment: ["NODE_NAME": "env"]).nodeName == "flag")
    }

    @Test("a missing node name or a contradictory backoff is a configuration error naming the key")
    func errors() {
        #expect { try Self.load() } throws: { ($0 as? ConfigError)?.key == "cleanup.nodeName" }
        #expect { try Self.load(flags: ["cleanup.nodeName": "w1", "cleanup.retryInitialDelay": "2m", "cleanup.retryMaxDelay": "1m"]) }
            throws: { ($0 as? ConfigError)?.key == "cleanup.retryMaxDelay" }
    }
}
