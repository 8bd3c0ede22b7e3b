import ArgumentParser
import ArrayFamily
import Foundation
import Hummingbird
import Kube
import Logging
import NodeSimulator

/// `podguard-node-sim --kubeconfig <file> --nodes 3 --family powerstore`: simulated nodes
/// (kubelets, CSI plugins, external-attacher) against a real apiserver, with a JSON control API
/// on a loopback port (see NodeSimulatorControlAPI). `podguard-node-sim chassis …` is the power
/// hook of a simulated BMC (`ChassisHookCommand`).
@main
struct NodeSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podguard-node-sim",
        abstract: "Simulated Kubernetes nodes (kubelet + CSI driver) against a real kube-apiserver.",
        subcommands: [ServeCommand.self, ChassisHookCommand.self], defaultSubcommand: ServeCommand.self)
}

/// Runs the simulated nodes (the default subcommand).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run simulated nodes against a real kube-apiserver (the default).")

    @Option(help: "Kubeconfig of the apiserver (default: $KUBECONFIG).")
    var kubeconfig: String?

    @Option(help: "How many nodes.")
    var nodes: Int = 3

    @Option(help: "Node name prefix: nodes are <prefix>-1, <prefix>-2, ...")
    var namePrefix: String = "sim-node"

    @Option(name: .customLong("family"), help: "A family to simulate (repeatable): powerflex, powerstore, powerscale, powermax, unity, generic.")
    var families: [String] = ["powerstore"]

    @Option(help: "Namespace of the CSI driver node pods.")
    var driverNamespace: String = "podguard-sim-drivers"

    @Option(help: "Directory for the CSI unix sockets (default: a fresh one under /tmp).")
    var socketDirectory: String?

    @Option(help: "Loopback port of the JSON control API (0: any free port, printed at start).")
    var controlPort: Int = 0

    @Option(help: "Faults to inject at start, as <node>=<kind> (repeatable).")
    var fault: [String] = []

    @Flag(help: "Keep the Node objects when exiting.")
    var keepNodes = false

    mutating func run() async throws {
        let familyIDs = try families.map { name in
            guard let id = ArrayFamilyID(rawValue: name) else { throw ValidationError("unknown family \(name)") }
            return id
        }
        let logger = Logger(label: "podguard.node-sim")
        var kube = try KubeClientConfiguration.fromKubeconfig(
            path: kubeconfig ?? ProcessInfo.processInfo.environment["KUBECONFIG"] ?? "")
        // N kubelets' heartbeats and pod updates: client-go's 5 QPS would starve them.
        kube.queriesPerSecond = 200
        kube.burst = 400
        let client = try KubeClient(configuration: kube, logger: logger)
        var configuration = SimulatedClusterConfiguration(nodes: nodes, namePrefix: namePrefix, families: familyIDs,
                                                          driverNamespace: driverNamespace)
        configuration.socketDirectory = socketDirectory
        configuration.deleteNodesOnStop = !keepNodes
        let cluster = try await SimulatedCluster.start(client: client, configuration: configuration, logger: logger)
        for spec in fault {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = NodeFault(rawValue: parts[1]) else { throw ValidationError("bad --fault \(spec)") }
            try await cluster.inject(kind, on: parts[0])
        }
        let app = Application(
            router: NodeSimulatorControlAPI.router(for: cluster),
            configuration: .init(address: .hostname("127.0.0.1", port: controlPort)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                print("podguard-node-sim: \(cluster.nodeNames.joined(separator: ", ")) up; control API on http://127.0.0.1:\(port)")
                // Scripts and tests read this line from a pipe, where stdout is block-buffered.
                fflush(nil)
            },
            logger: logger)
        try await app.runService()
        await cluster.stop()
        try await client.shutdown()
    }
}
