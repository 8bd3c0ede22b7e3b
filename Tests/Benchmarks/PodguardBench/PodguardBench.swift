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
        subcommands: [BusBenchmark.self],
        defaultSubcommand: BusBenchmark.self
    )
}
