import ArgumentParser
import Bus
import Contracts
import Harness
import Logging

/// `podguard-bench`: measures and prints figures beside their targets. It never asserts: a figure
/// that misses its target is reported as such, and the exit status stays 0.
@main
struct PodguardBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podguard-bench",
        abstract: "Prints podguard's benchmark figures beside their targets.",
        subcommands: [AllBenchmarks.self, BusBenchmark.self, WatcherBenchmark.self, FailoverBenchmark.self, RecoveryBenchmark.self,
                      WorkloadRecoveryBenchmark.self, ChaosBenchmark.self],
        defaultSubcommand: AllBenchmarks.self
    )
}

/// Every benchmark with its default sizes, one table after the other (`make bench`).
struct AllBenchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Runs every benchmark with its defaults: bus, watcher, failover, recovery, workloads."
    )

    @OptionGroup var kube: KubeVersionOption

    func run() async throws {
        try await BusBenchmark.parse([]).run()
        print()
        try await WatcherBenchmark.parse(kube.arguments).run()
        print()
        try await FailoverBenchmark.parse(kube.arguments).run()
        print()
        try await RecoveryBenchmark.parse(kube.arguments).run()
        print()
        try await WorkloadRecoveryBenchmark.parse(kube.arguments).run()
    }
}
