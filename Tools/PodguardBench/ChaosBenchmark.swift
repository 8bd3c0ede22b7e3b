import ArgumentParser
import ArrayFamily
import Foundation
import Harness
import NodeSimulator
import PodguardStack

/// `podguard-bench chaos` (`make chaos`, docs/chaos.md): randomized, seeded schedules over the
/// whole stack, as podmon's longevity test runs them: a third of the nodes fail at a time,
/// cyclically, while services are SIGKILLed, nats-server and kube-apiserver restart and the CSI
/// drivers turn slow or failing. Every run is checked for the safety invariants, exactly-once and
/// lost remediations, and a cluster back to clean; the figures are printed, never asserted.
struct ChaosBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Randomized seeded failure schedules over the whole stack; prints violations, lost and duplicate remediations, times."
    )

    enum Bus: String, ExpressibleByArgument, CaseIterable {
        case single, clustered, both
    }

    @Option(help: "Schedules to run (with --bus both, half on each bus).")
    var runs: Int = 100

    @Option(help: "The seed of every schedule; a failing run is replayed with this seed and --only-run.")
    var seed: UInt64 = 1

    @Option(help: "Run only the schedule of this index (a replay; the cluster's state before it differs from the original run's).")
    var onlyRun: Int?

    @Option(help: "Simulated nodes; a third of them fail in each run.")
    var nodes: Int = 6

    @Option(help: "Single-replica protected StatefulSets preferring each node.")
    var podsPerNode: Int = 2

    @Option(help: "Array families of the stack, comma-separated.")
    var families: String = "powerstore,powerflex,unity"

    @Option(help: "The bus: one nats-server, a cluster of three, or both (half the runs each).")
    var bus: Bus = .both

    @Option(help: "Disturbances besides the node faults, comma-separated: \(ChaosDisturbanceKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var disturbances: String = ChaosDisturbanceKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Seconds a run waits for a remediation, a replacement or a clean node before it counts as failed.")
    var timeout: Int = 240

    @OptionGroup var kube: KubeVersionOption

    func validate() throws {
        guard runs > 0, nodes >= 3, podsPerNode > 0, timeout > 0 else {
            throw ValidationError("--runs and --pods-per-node must be positive, --nodes at least 3")
        }
        _ = try familyIDs()
        _ = try disturbanceKinds()
    }

    private func familyIDs() throws -> [ArrayFamilyID] {
        try families.split(separator: ",").map { name in
            guard let family = ArrayFamilyID(rawValue: String(name)) else { throw ValidationError("unknown family \(name)") }
            return family
        }
    }

    private func disturbanceKinds() throws -> Set<ChaosDisturbanceKind> {
        Set(try disturbances.split(separator: ",").map { name in
            guard let kind = ChaosDisturbanceKind(rawValue: String(name)) else { throw ValidationError("unknown disturbance \(name)") }
            return kind
        })
    }

    func run() async throws {
        kube.select()
        BenchLogging.errorsOnly()
        defer { KubeControlPlane.stopShared() }
        let indices = onlyRun.map { [$0] } ?? Array(0..<runs)
        let legs: [(Bus, ArraySlice<Int>)] = switch bus {
        case .single, .clustered: [(bus, indices[...])]
        case .both: [(.single, indices.prefix(indices.count / 2)), (.clustered, indices.dropFirst(indices.count / 2))]
        }
        var tally = ChaosTally()
        var resources: [(Bus, ServiceResources)] = []
        let started = ContinuousClock.now
        for (leg, runIndices) in legs where !runIndices.isEmpty {
            let (legTally, legResources) = try await runLeg(leg, runIndices)
            for run in legTally.runs { tally.add(run) }
            resources.append((leg, legResources))
        }
        report(tally, resources: resources, elapsed: ContinuousClock.now - started)
    }

    private func runLeg(_ leg: Bus, _ runIndices: ArraySlice<Int>) async throws -> (ChaosTally, ServiceResources) {
        var configuration = PodguardStackConfiguration(nodes: nodes, families: try familyIDs(), namePrefix: leg == .single ? "chs" : "chc")
        configuration.natsServers = leg == .clustered ? 3 : 1
        configuration.kubeFaultProxy = true
        progress("starting the stack: \(nodes) nodes, \(configuration.families.map(\.rawValue).joined(separator: ", ")), \(leg == .clustered ? "a cluster of three nats-servers" : "one nats-server")")
        let stack = try await PodguardStack.start(configuration)
        var tally = ChaosTally()
        var resources = ServiceResources()
        defer {
            if let proxy = stack.apiFaults {
                progress("the fault proxy answered \(proxy.answered.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: ", ")), passed \(proxy.forwarded) requests on")
            }
        }
        do {
            let chaos = try await stack.deployChaosWorkloads(perNode: podsPerNode)
            progress("\(chaos.workloads.count) protected pods in \(chaos.namespace)")
            let scope = stack.chaosScope(disturbances: try disturbanceKinds())
            resources.sample(stack)
            for index in runIndices {
                let schedule = ChaosSchedule.make(seed: seed, run: index, scope: scope)
                progress(schedule.description)
                let result = await stack.run(schedule, on: chaos, timeout: .seconds(timeout))
                tally.add(result)
                resources.sample(stack)
                progress("run \(index): \(result.remediations) remediated in \(Format.secondsText(result.elapsed))"
                         + (result.failed ? "; FAILED:\n  " + result.failures.joined(separator: "\n  ") : ""))
            }
        } catch {
            await stack.deleteNamespacesMade()
            await stack.stop(keepLogs: true)
            throw error
        }
        // The control plane outlives the stack: protected pods left behind would sit on nodes that
        // no longer exist, in the next leg's cluster.
        await stack.deleteNamespacesMade()
        await stack.stop(keepLogs: !tally.failedRuns.isEmpty)
        if !tally.failedRuns.isEmpty { progress("logs kept in \(stack.directory.path)") }
        return (tally, resources)
    }

    private func report(_ tally: ChaosTally, resources: [(Bus, ServiceResources)], elapsed: Duration) {
        var table = FigureTable(title: "Chaos: \(tally.runs.count) randomized schedules, seed \(seed), \(nodes) nodes (a third failing per run), \(Format.secondsText(elapsed)) in all")
        table.add("runs", value: "\(tally.runs.count)", target: "≥ 100", met: tally.runs.count >= 100)
        table.add("node faults injected", value: "\(tally.nodeFaults.values.reduce(0, +))",
                  target: tally.nodeFaults.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        let disturbances = tally.disturbances
        table.add("other faults injected", value: "\(disturbances.values.reduce(0, +))",
                  target: disturbances.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        table.add("remediations (pods force-deleted)", value: "\(tally.remediations)")
        table.add("safety invariants broken", value: "\(tally.violations)", target: "0", met: tally.violations == 0)
        table.add("lost remediations", value: "\(tally.lost)", target: "0", met: tally.lost == 0)
        table.add("duplicate remediations", value: "\(tally.duplicates)", target: "0", met: tally.duplicates == 0)
        table.add("other problems (not clean, a crash)", value: "\(tally.problems)", target: "0", met: tally.problems == 0)
        table.add("replacements that waited for their node's return", value: "\(tally.replacementsAfterReturn)",
                  target: "stale re-attach after an API server restart")
        for (name, values) in [("evacuation (fault → force delete)", tally.evacuations),
                               ("recovery (fault → replacement Ready)", tally.recoveries),
                               ("cleanup (node back → no taint)", tally.cleanups)] {
            let p50 = ChaosTally.percentile(0.5, of: values).map(Format.secondsText) ?? "-"
            let p99 = ChaosTally.percentile(0.99, of: values).map(Format.secondsText) ?? "-"
            table.add(name, value: "p50 \(p50), p99 \(p99)", target: "\(values.count) samples")
        }
        var output = table.render() + "\n"
        for failed in tally.failedRuns {
            output += "FAILED \(failed.schedule)\n  replay: podguard-bench chaos --seed \(seed) --only-run \(failed.schedule.run)\n"
            output += failed.failures.map { "  \($0)\n" }.joined()
        }
        for (leg, samples) in resources {
            output += "\nService resources, \(leg.rawValue) bus (after each run; since each service's latest start):\n"
            output += "service".padding(toLength: 34, withPad: " ", startingAt: 0) + "RSS first/peak/last        fds first/peak/last  restarts\n"
            for (id, series) in samples.series.sorted(by: { $0.key < $1.key }) {
                let memory = [series.first, series.peak, series.last].map { Format.megabytes($0.residentBytes) }.joined(separator: "/")
                let descriptors = [series.first, series.peak, series.last].map { "\($0.fileDescriptors)" }.joined(separator: "/")
                output += id.description.padding(toLength: 34, withPad: " ", startingAt: 0)
                    + memory.padding(toLength: 27, withPad: " ", startingAt: 0)
                    + descriptors.padding(toLength: 21, withPad: " ", startingAt: 0) + "\(series.restarts)\n"
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    private func progress(_ text: String) {
        let stamp = String(format: "%7.1f s", Format.seconds(ContinuousClock.now - BenchClock.start))
        FileHandle.standardOutput.write(Data("[chaos \(stamp)] \(text)\n".utf8))
    }
}
