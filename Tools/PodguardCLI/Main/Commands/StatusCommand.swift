import Foundation
import ArgumentParser
import OperatorClient
import OperatorViews

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Nodes, taints, connectivity verdicts, remediations in flight, storm and pause state.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let context = try CommandContext(options)
        let snapshot = try await context.observing { try await $0.snapshot() }
        try context.print(StatusReport(snapshot, clock: context.clock))
    }
}
