import AdapterKit
import PowerMaxFamily
import ServiceKit

/// `podguard-adapter-powermax`: the bus contract's adapter operations over the PowerMax CSI driver.
@main
enum PowerMaxAdapterMain {
    static func main() async {
        await AdapterLauncher.main(ServiceInfo(name: "adapter-powermax", summary: "serves PowerMax CSI and podmon calls on the bus")) { _ in
            PowerMaxFamily()
        }
    }
}
