import Foundation
import Harness
import Kube
import Testing
@_exported import TestSupport

/// The shared real control plane, a client for it, and a fresh namespace per test.
enum TestCluster {
    static func plane() async throws -> KubeControlPlane { try await SharedKube.plane() }

    static func configuration(_ plane: KubeControlPlane, server: String? = nil) throws -> KubeClientConfiguration {
        try SharedKube.configuration(plane, server: server)
    }

    static func client() async throws -> (KubeClient, KubeControlPlane) {
        (try await SharedKube.client(for: "kube"), try await SharedKube.plane())
    }

    static func namespace(_ client: KubeClient, _ prefix: String, waitForServiceAccount: Bool = false) async throws -> String {
        try await client.createTestNamespace(prefix, waitForServiceAccount: waitForServiceAccount)
    }

    /// A minimal pod (never runs: no kubelets), optionally bound to a node.
    static func pod(_ name: String, namespace: String, labels: [String: String] = [:], nodeName: String? = nil) -> Pod {
        var pod = Pod(name: name, namespace: namespace)
        pod.metadata.labels = labels.isEmpty ? nil : labels
        pod.spec = PodSpec(containers: [Container(name: "main", image: "registry.invalid/app:1")], nodeName: nodeName)
        // No scheduler serves this name: the node simulator's suites share the control plane, and
        // the scheduler would otherwise bind these pods to their simulated nodes, whose kubelets
        // then write the pods' status under the test's feet (409 on an update).
        if nodeName == nil { pod.spec?.schedulerName = "podguard-tests-unscheduled" }
        return pod
    }

    /// A node object with a unique name (cluster-scoped: delete it at the end).
    static func node(_ prefix: String) -> Node {
        Node(name: "\(prefix)-\(UUID().uuidString.prefix(6).lowercased())")
    }
}

/// Takes the next element of an async iterator; the suites' time limits bound the wait.
func next<I: AsyncIteratorProtocol>(_ iterator: inout I, _ what: String = "event") async throws -> I.Element {
    guard let element = try await iterator.next() else {
        throw TestFailure("sequence ended while waiting for \(what)")
    }
    return element
}

/// Runs `body` with a client of its own and shuts it down afterwards, also when `body` throws.
@discardableResult
func withClient<R>(_ configuration: KubeClientConfiguration, _ body: (KubeClient) async throws -> R) async throws -> R {
    let client = try KubeClient(configuration: configuration)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Deletes a cluster-scoped test object in the background (from a `defer`).
func cleanUp<T: KubeResource>(_ client: KubeClient, _ type: T.Type, _ name: String) {
    Task { try? await client.delete(type, name: name) }
}
