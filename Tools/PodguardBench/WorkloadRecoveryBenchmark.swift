import ArgumentParser
import ArrayFamily
import Foundation
import Harness
import Kube
import NodeSimulator
import PodguardStack

/// StatefulSet against StatefulCluster under podguard, on one node failure: a pod of each on the
/// same node (PowerStore volumes), the node's network cut, podguard fences the node and
/// force-deletes both; timed from the fault to each replacement Running and Ready. The StatefulSet's
/// replacement has the old name and the old claim, so it waits for the old volume's attachment to
/// go and the volume to be attached elsewhere; the StatefulCluster's is a new identity on a new
/// claim (bound from a pool of static PVs: the stack has no external-provisioner) and waits for
/// neither.
struct WorkloadRecoveryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workloads",
        abstract: "Node failure → replacement Running under podguard: a StatefulSet pod and a StatefulCluster pod, side by side."
    )

    @Option(help: "Node failures to measure, one after the other (a fresh node each).")
    var rounds: Int = 1

    @Option(help: "Give up waiting for a replacement after this many seconds.")
    var timeout: Int = 600

    @OptionGroup var kube: KubeVersionOption

    func run() async throws {
        kube.select()
        BenchLogging.errorsOnly()
        defer { KubeControlPlane.stopShared() }
        var configuration = PodguardStackConfiguration(nodes: rounds + 2, families: [.powerstore], namePrefix: "bwl")
        configuration.statefulClusterReplicas = 1
        progress("starting the stack (\(configuration.nodes) nodes, powerstore, every service, the StatefulCluster controller)")
        let stack = try await PodguardStack.start(configuration)
        do {
            let version = try await stack.kube.serverVersion()
            var setFigures: [Duration?] = [], clusterFigures: [Duration?] = []
            for round in 0..<rounds {
                let (set, cluster) = try await measure(on: stack.nodeNames[round], stack: stack)
                setFigures.append(set)
                clusterFigures.append(cluster)
            }
            let violations = await stack.auditor.violations()
            var table = FigureTable(title: "Node failure → replacement Running under podguard, StatefulSet vs StatefulCluster, Kubernetes \(version)")
            func value(_ figures: [Duration?]) -> String {
                figures.map { $0.map { String(format: "%.1f s", Format.seconds($0)) } ?? "timed out" }.joined(separator: ", ")
            }
            table.add("StatefulSet pod (same name, waits for its old volume)", value: value(setFigures), target: "reference")
            table.add("StatefulCluster pod (new identity, new claim)", value: value(clusterFigures), target: "below the StatefulSet's",
                      met: zip(setFigures, clusterFigures).allSatisfy { set, cluster in
                          guard let cluster else { return false }
                          return set.map { cluster < $0 } ?? true
                      })
            table.add("safety invariants broken", value: "\(violations.count)", target: "0", met: violations.isEmpty)
            FileHandle.standardOutput.write(Data((table.render() + "\n").utf8))
            for violation in violations { FileHandle.standardOutput.write(Data("  \(violation)\n".utf8)) }
            await stack.stop()
        } catch {
            await stack.stop()
            throw error
        }
    }

    /// One node failure with a pod of each workload on it.
    private func measure(on target: String, stack: PodguardStack) async throws -> (set: Duration?, cluster: Duration?) {
        let namespace = try await stack.makeNamespace("wl")
        let set = ProtectedWorkload(name: "set", families: [.powerstore], preferredNode: target)
        let cluster = ProtectedWorkload(name: "cluster", families: [.powerstore], preferredNode: target)
        let oldSet = try await stack.deploy(set, namespace: namespace, timeout: .seconds(timeout))[0]
        let oldCluster = try await stack.deployCluster(cluster, namespace: namespace, timeout: .seconds(timeout))[0]
        guard oldSet.node == target, oldCluster.node == target else {
            throw ValidationError("pods started on \(oldSet.node) and \(oldCluster.node), not \(target)")
        }
        progress("\(target): interface down under \(namespace)/\(oldSet.name) and \(namespace)/\(oldCluster.name)")
        let failed = ContinuousClock.now
        try await stack.cluster.inject(.interfaceDown, on: target)
        async let setRecovery = recovery("StatefulSet", since: failed) {
            _ = try await stack.waitForPods(set, namespace: namespace, replacing: [oldSet], timeout: .seconds(timeout))
        }
        async let clusterRecovery = recovery("StatefulCluster", since: failed) {
            _ = try await stack.waitForClusterPods(cluster, namespace: namespace, replacing: [oldCluster], timeout: .seconds(timeout))
        }
        let figures = await (setRecovery, clusterRecovery)
        try await stack.cluster.recover(.interfaceDown, on: target)
        try await stack.waitUntilNodeClean(target, timeout: .seconds(timeout))
        await stack.deleteNamespacesMade()
        return figures
    }

    private func recovery(_ what: String, since start: ContinuousClock.Instant, _ wait: () async throws -> Void) async -> Duration? {
        do {
            try await wait()
            let elapsed = ContinuousClock.now - start
            progress("\(what): replacement Running after \(String(format: "%.1f", Format.seconds(elapsed))) s")
            return elapsed
        } catch {
            progress("\(what): \(error)")
            return nil
        }
    }

    private func progress(_ text: String) {
        let stamp = String(format: "%7.1f s", Format.seconds(ContinuousClock.now - BenchClock.start))
        FileHandle.standardOutput.write(Data("[workloads \(stamp)] \(text)\n".utf8))
    }
}
