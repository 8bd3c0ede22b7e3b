import Foundation
import Harness
import Kube
import Synchronization
import Testing

/// The shared real control plane, a client for it, and a fresh namespace per test.
enum TestCluster {
    /// The shared control plane (started on first use, stopped at process exit).
    static func plane() async throws -> KubeControlPlane {
        try await KubeControlPlane.shared()
    }

    /// An admin configuration (client certificate), with a generous rate limit for tests.
    static func configuration(_ plane: KubeControlPlane, server: String? = nil) throws -> KubeClientConfiguration {
        var configuration = try KubeClientConfiguration.fromKubeconfig(path: plane.kubeconfigPath)
        if let server { configuration.server = server }
        configuration.queriesPerSecond = 200
        configuration.burst = 400
        return configuration
    }

    private static let sharedClient = Mutex<KubeClient?>(nil)

    /// One admin client shared by the tests of this process (never shut down: it lives as long as
    /// the process; async-http-client traps in debug builds when a client is deinitialised open).
    static func client() async throws -> (KubeClient, KubeControlPlane) {
        let plane = try await plane()
        let client = try sharedClient.withLock { slot in
            if let slot { return slot }
            let client = try KubeClient(configuration: configuration(plane))
            slot = client
            return client
        }
        return (client, plane)
    }

    /// Creates a namespace named after the test and waits for its `default` ServiceAccount
    /// (the ServiceAccount admission plugin rejects pods until the controller made it).
    static func namespace(_ client: KubeClient, _ prefix: String, waitForServiceAccount: Bool = false) async throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await client.create(Namespace(name: name))
        if waitForServiceAccount { try await client.waitForDefaultServiceAccount(namespace: name) }
        return name
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

/// Polls `condition` until it holds; fails after `timeout` (a bound on waiting for the control
/// plane's controllers, not an assertion on speed).
func eventually(_ what: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(100), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    Issue.record("timed out waiting for \(what)")
    throw TestFailure("timed out waiting for \(what)")
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
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
