import ArrayFamily
import Foundation
import Harness
import Kube
import Logging
import NodeSimulator
import Synchronization
import Testing

/// The shared real control plane, an admin client, a fresh namespace per test and a simulated
/// cluster of nodes with unique names.
enum SimTestCluster {
    /// One admin client for the process: an AsyncHTTPClient must be shut down before it is
    /// released, and the shared control plane outlives every test anyway.
    private static let sharedClient = Mutex<KubeClient?>(nil)

    static func client() async throws -> KubeClient {
        let plane = try await KubeControlPlane.shared()
        if let client = sharedClient.withLock({ $0 }) { return client }
        var configuration = try KubeClientConfiguration.fromKubeconfig(path: plane.kubeconfigPath)
        configuration.queriesPerSecond = 200
        configuration.burst = 400
        let client = try KubeClient(configuration: configuration)
        let kept = sharedClient.withLock { slot in
            if let existing = slot { return existing }
            slot = client
            return client
        }
        if kept !== client { try await client.shutdown() }
        return kept
    }

    /// A namespace named after the test, with its `default` ServiceAccount (pods need it).
    static func namespace(_ client: KubeClient, _ prefix: String) async throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await client.create(Namespace(name: name))
        try await client.waitForDefaultServiceAccount(namespace: name)
        return name
    }

    /// Starts `nodes` simulated nodes named `<prefix>-<random>-<i>`, in their own zone;
    /// `configure` adjusts the rest of the configuration (intervals).
    static func start(_ client: KubeClient, prefix: String, nodes: Int = 2, families: [ArrayFamilyID] = [.powerstore],
                      configure: (inout SimulatedClusterConfiguration) -> Void = { _ in }) async throws -> SimulatedCluster {
        let zone = "\(prefix)-\(UUID().uuidString.prefix(4).lowercased())"
        var configuration = SimulatedClusterConfiguration(nodes: nodes, namePrefix: zone, families: families)
        // The simulator waits for the driver namespace to take pods.
        configuration.driverNamespace = "podguard-sim-drivers"
        configure(&configuration)
        var logger = Logger(label: "podguard.node-sim.test")
        logger.logLevel = .info
        return try await SimulatedCluster.start(client: client, configuration: configuration, logger: logger)
    }

    /// A one-replica StatefulSet `name` with one claim template `data` of the family's class,
    /// kept on the cluster's nodes (their zone).
    /// `evictAfter`: a toleration of the unreachable NoExecute taint for that many seconds (instead
    /// of the admission default of 300 s), so the node controller evicts the pod soon.
    static func statefulSet(_ name: String, namespace: String, family: ArrayFamilyID, zone: String,
                            evictAfter seconds: Int? = nil) -> StatefulSet {
        var set = StatefulSet(name: name, namespace: namespace)
        let labels: JSONValue = .object(["app": .string(name), "podmon.dellemc.com/driver": .string("csi-\(family.rawValue)")])
        set.spec = .object([
            "replicas": .number(1),
            "serviceName": .string(name),
            "selector": .object(["matchLabels": .object(["app": .string(name)])]),
            "template": .object([
                "metadata": .object(["labels": labels]),
                "spec": .object([
                    "nodeSelector": .object(["topology.kubernetes.io/zone": .string(zone)]),
                    "terminationGracePeriodSeconds": .number(5),
                    "tolerations": .array(seconds.map { seconds in
                        ["node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"].map { key in
                            JSONValue.object(["key": .string(key), "operator": .string("Exists"), "effect": .string("NoExecute"),
                                              "tolerationSeconds": .number(Double(seconds))])
                        }
                    } ?? []),
                    "containers": .array([.object([
                        "name": .string("app"), "image": .string("registry.invalid/app:1"),
                        "volumeMounts": .array([.object(["name": .string("data"), "mountPath": .string("/data")])]),
                    ])]),
                ]),
            ]),
            "volumeClaimTemplates": .array([.object([
                "metadata": .object(["name": .string("data")]),
                "spec": .object([
                    "accessModes": .array([.string("ReadWriteOnce")]),
                    "storageClassName": .string(SimulatedCluster.storageClassName(for: family)),
                    "resources": .object(["requests": .object(["storage": .string("1Gi")])]),
                ]),
            ])]),
        ])
        return set
    }
}

/// Polls `condition` until it holds; fails after `timeout` (a bound on waiting for the control
/// plane's controllers, not an assertion on speed).
func eventually(_ what: String, timeout: Duration = .seconds(90), every interval: Duration = .milliseconds(250),
                _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    Issue.record("timed out waiting for \(what)")
    throw SimTestFailure("timed out waiting for \(what)")
}

struct SimTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
