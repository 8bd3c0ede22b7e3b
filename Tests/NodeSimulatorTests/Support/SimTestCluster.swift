import ArrayFamily
import Foundation
import Harness
import Kube
import Logging
import NodeSimulator
import Synchronization
import Testing
@_exported import TestSupport

/// The shared real control plane, an admin client, a fresh namespace per test and a simulated
/// cluster of nodes with unique names.
enum SimTestCluster {
    static func client() async throws -> KubeClient { try await SharedKube.client(for: "node-simulator") }

    static func namespace(_ client: KubeClient, _ prefix: String) async throws -> String {
        try await client.createTestNamespace(prefix)
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

/// `TestSupport.eventually` with this suite's longer bound: the kubelets and controllers of a
/// simulated cluster take their periods to react.
func eventually(_ what: String, timeout: Duration = .seconds(90), every interval: Duration = .milliseconds(250),
                _ condition: () async throws -> Bool) async throws {
    try await TestSupport.eventually(what, timeout: timeout, every: interval, condition)
}
