import ArgumentParser
import Foundation
import OperatorClient
import OperatorViews
import ServiceKit

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Recent remediations, newest first, with the time each phase took.",
        discussion: "Phases: detection → decision → fenced → pod deleted → replacement running, and the total.")

    @Option(help: ArgumentHelp("Show at most this many.", valueName: "n"))
    var limit = 20

    @Option(help: ArgumentHelp("Only those requested within this time, e.g. 24h or 90m.", valueName: "duration"))
    var since: String?

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let since, DurationParser.parse(since) == nil {
            throw ValidationError("--since: '\(since)' is not a duration (e.g. 24h, 90m, 1h30m)")
        }
    }

    func run() async throws {
        let context = try CommandContext(options)
        let clock = context.clock
        let cutoff = since.flatMap(DurationParser.parse).map { clock.now.addingTimeInterval(-$0.secondsValue) }
        let fences = try await context.observing { try await $0.fenceRecords() }
        try context.print(RemediationHistory(fences, clock: clock, since: cutoff, limit: limit))
    }
}

extension Duration {
    /// Seconds as a `TimeInterval`, for date arithmetic.
    var secondsValue: TimeInterval {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
