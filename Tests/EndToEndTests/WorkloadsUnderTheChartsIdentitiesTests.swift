// Named to sort after the scenarios on the shared stack: this one stops it for a stack of its own.
import ArrayFamily
import Foundation
import Kube
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// One attempt, with a chart ServiceAccount's token, at what the chart's RBAC does not grant.
    struct Overreach: Sendable, CustomStringConvertible {
        let service: String
        let what: String
        let attempt: @Sendable (KubeClient) async throws -> Void
        var description: String { "\(service) \(what)" }
    }

    /// (af) The services as the Helm chart installs them (issue "Installable", item 3): each starts
    /// with the configuration file rendered into its ConfigMap and, where it calls Kubernetes, as
    /// the chart's ServiceAccount with a token from the API server's TokenRequest, under the chart's
    /// RBAC (a StatefulCluster controller too). A node fails: the pod is fenced, force-deleted and
    /// replaced, the node is tainted and, once back, cleaned: the chart's permissions suffice. Then
    /// least privilege, enforced by the API server: decision, array-prober and the adapters can
    /// read nothing; the watcher can write nothing; fencing cannot delete a node or read Secrets
    /// outside its fence-agent namespace; node-cleanup cannot delete nodes or pods; the
    /// StatefulCluster controller cannot delete nodes or read Secrets.
    @Test func aFailoverRunsUnderTheChartsConfigurationAndRBAC() async throws {
        var configuration = PodguardStackConfiguration(nodes: 3, families: [.powerstore])
        configuration.chartIdentities = true
        configuration.statefulClusterReplicas = 1
        // Through the fault proxy, which passes each service's own token on: RBAC is the API
        // server's, as without it.
        configuration.kubeFaultProxy = true
        try await SharedStacks.with(configuration) { stack in
            let chart = try #require(stack.chart)
            for process in stack.processes.values {
                let arguments = process.arguments
                let file = chart.configFiles[process.id.role.chartService(qualifier: process.id.qualifier)]
                try #require(file != nil && arguments.contains(file!.path), "\(process.id) does not read the chart's configuration")
                if process.id.role.usesKubernetes {
                    let kubeconfig = arguments.firstIndex(of: "--kube.kubeconfig").map { arguments[$0 + 1] }
                    try #require(kubeconfig?.hasPrefix(chart.directory.path) == true, "\(process.id) does not act as the chart's ServiceAccount")
                }
            }
            try await stack.scenario("a failover under the chart's configuration and RBAC") {
                let namespace = try await stack.makeNamespace("chart")
                let target = stack.nodeNames[1]
                let workload = ProtectedWorkload(name: "cdb", families: [.powerstore], preferredNode: target)
                let pod = try await stack.deploy(workload, namespace: namespace)[0]
                try require(pod.node == target, "the pod started on \(pod.node), not \(target)")

                try await stack.cluster.inject(.interfaceDown, on: target)
                let new = try await stack.waitForPods(workload, namespace: namespace, replacing: [pod], timeout: .seconds(180))[0]
                try require(new.node != target, "replaced on the failed node")
                try require(stack.auditor.forcedDeletion(uid: pod.uid) != nil, "the pod was not force-deleted by podguard")
                try await stack.cluster.recover(.interfaceDown, on: target)
                try await stack.waitUntilNodeClean(target, timeout: .seconds(180))

                let node = stack.nodeNames[2]
                let current = try #require(try await stack.currentPod(new.name, namespace: namespace))
                let noNodes: @Sendable (KubeClient) async throws -> Void = { _ = try await $0.get(Node.self, name: node) }
                let noPods: @Sendable (KubeClient) async throws -> Void = { _ = try await $0.list(Pod.self, namespace: namespace) }
                let deleteNode: @Sendable (KubeClient) async throws -> Void = { try await $0.delete(Node.self, name: node) }
                let deletePod: @Sendable (KubeClient) async throws -> Void = {
                    try await $0.delete(Pod.self, name: current.name, namespace: namespace)
                }
                let labelNode: @Sendable (KubeClient) async throws -> Void = {
                    _ = try await $0.patch(Node.self, name: node, patch: .labels(["podguard.test/overreach": "yes"]))
                }
                let secrets: @Sendable (KubeClient) async throws -> Void = { _ = try await $0.list(Secret.self, namespace: "kube-system") }
                var overreaches: [Overreach] = []
                for service in ["decision", "array-prober", "adapter-powerstore-controller", "adapter-powerstore-node"] {
                    overreaches.append(Overreach(service: service, what: "reads a node", attempt: noNodes))
                    overreaches.append(Overreach(service: service, what: "lists pods", attempt: noPods))
                }
                overreaches += [
                    Overreach(service: "watcher", what: "deletes a pod", attempt: deletePod),
                    Overreach(service: "watcher", what: "labels a node", attempt: labelNode),
                    Overreach(service: "watcher", what: "reads Secrets", attempt: secrets),
                    Overreach(service: "fencing", what: "deletes a node", attempt: deleteNode),
                    Overreach(service: "fencing", what: "reads Secrets in kube-system", attempt: secrets),
                    Overreach(service: "node-cleanup", what: "deletes a node", attempt: deleteNode),
                    Overreach(service: "node-cleanup", what: "deletes a pod", attempt: deletePod),
                    Overreach(service: "node-cleanup", what: "reads Secrets", attempt: secrets),
                    Overreach(service: "statefulcluster", what: "deletes a node", attempt: deleteNode),
                    Overreach(service: "statefulcluster", what: "reads Secrets", attempt: secrets),
                ]
                for overreach in overreaches {
                    let client = try chart.client(as: overreach.service, plane: stack.plane)
                    let outcome: String
                    do {
                        try await overreach.attempt(client)
                        outcome = "allowed"
                    } catch KubeError.forbidden {
                        outcome = "forbidden"
                    } catch {
                        outcome = "\(error)"
                    }
                    try? await client.shutdown()
                    try require(outcome == "forbidden", "\(overreach): \(outcome), not forbidden by the API server")
                }
                let after = try #require(try await stack.currentPod(new.name, namespace: namespace))
                try require(after.uid == current.uid, "the pod was deleted")
                try require(try await stack.kube.get(Node.self, name: node).metadata.labels?["podguard.test/overreach"] == nil,
                            "the node was labelled")
                // The services themselves were never refused anything they tried.
                for process in stack.processes.values where process.log.localizedCaseInsensitiveContains("forbidden") {
                    throw StackError("\(process.id) was refused by the API server:\n\(process.logTail(lines: 20))")
                }
            }
        }
    }
}
