import AdapterKit
import GenericFamily
import ServiceKit

/// `podguard-adapter-generic`: fences and cleans up for any CSI driver without Dell's podmon
/// extension; its connectivity answer is always UNKNOWN (extension_present=false), so the policy
/// relies on Kubernetes signals alone for such drivers.
@main
enum GenericAdapterMain {
    static let schema = ConfigSchema([
        ConfigKey("adapter.driverName", .string, default: nil,
                  help: "the CSI driver's name (GetPluginInfo, PV spec.csi.driver); required"),
        ConfigKey("adapter.labelValue", .string, default: nil,
                  help: "value of the podmon.dellemc.com/driver label that protects its pods (default: the driver name)"),
    ])

    static func main() async {
        let info = ServiceInfo(name: "adapter-generic", summary: "serves any CSI driver's fencing and cleanup calls on the bus")
        await AdapterLauncher.main(info, familySchema: schema) { configuration throws(ConfigError) in
            guard let driver = configuration.string("adapter.driverName"), !driver.isEmpty else {
                throw ConfigError(key: "adapter.driverName", message: "adapter.driverName is required for the generic adapter")
            }
            return GenericFamily(driverName: driver, labelValue: configuration.string("adapter.labelValue"))
        }
    }
}
