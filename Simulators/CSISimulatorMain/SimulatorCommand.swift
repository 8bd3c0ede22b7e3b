import ArgumentParser
import ArrayFamily
import CSISimulator
import Hummingbird
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `podguard-csi-sim --family <name> --socket <path>`: a family-faithful CSI driver over a simulated
/// array for the demo, with a JSON control API on a loopback port (see SimulatorControlAPI).
@main
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podguard-csi-sim",
        abstract: "A CSI driver simulator (CSI Identity/Controller/Node + podmon.v1) on a unix socket.")

    @Option(help: "Array family: powerflex, powerstore, powerscale, powermax, unity, generic.")
    var family: String

    @Option(help: "The CSI socket (unix:///path/csi.sock or /path/csi.sock).")
    var socket: String

    @Option(help: "Loopback port of the JSON control API (0: any free port, printed at start).")
    var controlPort: Int = 0

    @Option(help: "Array ids, comma-separated (default: two example ids of the family).")
    var arrays: String?

    @Option(help: "How many hosts (node1...) the arrays know.")
    var hosts: Int = 3

    @Option(help: "The host whose Node service this driver is.")
    var node: String = "node1"

    mutating func run() async throws {
        guard let familyID = ArrayFamilyID(rawValue: family) else {
            throw ValidationError("unknown family \(family)")
        }
        var path = socket
        for prefix in ["unix://", "unix:"] where path.hasPrefix(prefix) {
            path = String(path.dropFirst(prefix.count))
            break
        }
        let logger = Logger(label: "podguard.csi-sim")
        let simulator = CSIDriverSimulator(
            family: familyID, socketPath: path,
            arrays: arrays.map { $0.split(separator: ",").map(String.init) }, hosts: hosts, nodeName: node,
            logger: logger)
        try await simulator.start()
        let app = Application(
            router: SimulatorControlAPI.router(for: simulator),
            configuration: .init(address: .hostname("127.0.0.1", port: controlPort)),
            onServerRunning: { [path] channel in
                let port = channel.localAddress?.port ?? 0
                print("podguard-csi-sim: \(familyID.rawValue) driver on unix://\(path), control API on http://127.0.0.1:\(port)")
                // stdout is block-buffered when redirected: flush so a script can read the port now.
                fflush(nil)
            },
            logger: logger)
        try await app.runService()
        await simulator.stop()
    }
}
