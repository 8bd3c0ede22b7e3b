import AdapterKit
import UnityFamily
import ServiceKit

/// `podguard-adapter-unity`: the bus contract's adapter operations over the Unity CSI driver.
@main
enum UnityAdapterMain {
    static func main() async {
        await AdapterLauncher.main(ServiceInfo(name: "adapter-unity", summary: "serves Unity CSI and podmon calls on the bus")) { _ in
            UnityFamily()
        }
    }
}
