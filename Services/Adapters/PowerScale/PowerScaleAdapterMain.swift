import AdapterKit
import PowerScaleFamily
import ServiceKit

/// `podguard-adapter-powerscale`: the bus contract's adapter operations over the PowerScale CSI driver.
@main
enum PowerScaleAdapterMain {
    static func main() async {
        await AdapterLauncher.main(ServiceInfo(name: "adapter-powerscale", summary: "serves PowerScale CSI and podmon calls on the bus")) { _ in
            PowerScaleFamily()
        }
    }
}
