import KubeService
import ServiceKit
import Testing
import WatcherService

@Suite("watcher settings")
struct WatcherSettingsTests {
    static func load(_ flags: [String: String]) throws(ConfigError) -> WatcherSettings {
        let configuration = try ConfigLoader.load(schema: WatcherSettings.schema, file: nil, environment: [:], flags: flags)
        return try WatcherSettings(configuration, defaultIdentity: "host-1")
    }

    @Test("defaults are podmon's: any value of podmon.dellemc.com/driver, Dell driver namespaces, 15 s / 10 s lease")
    func defaults() throws {
        let settings = try Self.load([:])
        #expect(settings.protectedPodSelector == "podmon.dellemc.com/driver")
        #expect(settings.driverPods.labelSelector == "driver.dellemc.com=dell-storage")
        #expect(settings.driverPods.driver(inNamespace: "vxflexos") == "csi-vxflexos.dellemc.com")
        #expect(settings.driverPods.driver(inNamespace: "isilon") == "csi-isilon.dellemc.com")
        #expect(settings.driverPods.driver(inNamespace: "default") == nil)
        #expect(settings.leaderElection.leaseDuration == .seconds(15) && settings.leaderElection.renewDeadline == .seconds(10))
        #expect(settings.identity == "host-1" && settings.leaderElection.leaseNamespace == nil)
        #expect(settings.nodeLabels == WatcherSettings.defaultNodeLabels)
    }

    @Test("a label value narrows the selector; namespace entries map drivers")
    func overrides() throws {
        let settings = try Self.load(["watcher.labelValue": "csi-powerstore", "watcher.driverPods.namespaces": "storage=csi-powerstore.dellemc.com",
                                      "watcher.identity": "w-0"])
        #expect(settings.protectedPodSelector == "podmon.dellemc.com/driver=csi-powerstore")
        #expect(settings.driverPods.driverByNamespace == ["storage": "csi-powerstore.dellemc.com"])
        #expect(settings.identity == "w-0")
    }

    @Test("bad values are typed configuration errors naming the key", arguments: [
        (["watcher.driverPods.namespaces": "vxflexos"], "watcher.driverPods.namespaces"),
        (["watcher.labelKey": "a,b"], "watcher.labelKey"),
        (["watcher.renewDeadline": "20s"], "watcher.renewDeadline"),
        (["watcher.retryPeriod": "10s"], "watcher.retryPeriod"),
    ])
    func errors(flags: [String: String], key: String) {
        #expect { try Self.load(flags) } throws: { ($0 as? ConfigError)?.key == key }
    }
}
