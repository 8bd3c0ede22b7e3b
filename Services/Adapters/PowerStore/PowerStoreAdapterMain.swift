import AdapterKit
import PowerStoreFamily
import ServiceKit

/// `podguard-adapter-powerstore`: the bus contract's adapter operations over the PowerStore CSI driver.
@main
enum PowerStoreAdapterMain {
    static func main() async {
        await AdapterLauncher.main(ServiceInfo(name: "adapter-powerstore", summary: "serves PowerStore CSI and podmon calls on the bus")) { _ in
            PowerStoreFamily()
        }
    }
}
