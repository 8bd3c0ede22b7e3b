import AdapterKit
import PowerFlexFamily
import ServiceKit

/// `podguard-adapter-powerflex`: the bus contract's adapter operations over the PowerFlex CSI driver.
@main
enum PowerFlexAdapterMain {
    static func main() async {
        await AdapterLauncher.main(ServiceInfo(name: "adapter-powerflex", summary: "serves PowerFlex CSI and podmon calls on the bus")) { _ in
            PowerFlexFamily()
        }
    }
}
