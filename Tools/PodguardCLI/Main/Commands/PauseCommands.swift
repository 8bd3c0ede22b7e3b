import ArgumentParser
import Foundation
import OperatorClient
import OperatorViews
import ServiceKit

/// Who switched: `--by`, else the login name, so the switch and decision's alerts say who.
struct ActorOption: ParsableArguments {
    @Option(help: ArgumentHelp("Who switches it (default: $USER).", valueName: "name"))
    var by: String?

    var name: String {
        by ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "operator"
    }
}

struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Switch podguard's pause on: decision requests no fence, delete or taint until resumed or expired.",
        discussion: "Remediations already requested run to their end; node-cleanup keeps cleaning. Writes key pause of bucket <prefix>-control as the administrator user.")

    @Option(help: ArgumentHelp("Why (copied into decision's alerts and records), e.g. \"PowerMax upgrade, CHG-1234\".", valueName: "text"))
    var reason: String

    @Option(name: .customLong("for"), help: ArgumentHelp("End the pause by itself after this long, e.g. 2h (default: until resumed).", valueName: "duration"))
    var duration: String?

    @OptionGroup var actor: ActorOption
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        var expiresAfter: Duration?
        if let duration {
            guard let parsed = DurationParser.parse(duration) else {
                throw ValidationError("--for: '\(duration)' is not a duration (e.g. 2h, 90m, 1h30m)")
            }
            expiresAfter = parsed
        }
        let change = PauseChange.pause(reason: reason, by: actor.name, expiresAfter: expiresAfter)
        if let problem = change.problem { throw ValidationError(problem) }
        try await write(change, options: options)
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Switch the pause off: decision acts again on what is due.")

    @OptionGroup var actor: ActorOption
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await write(.resume(by: actor.name), options: options)
    }
}

/// Writes the switch as the administrator and prints it as decision will read it.
private func write(_ change: PauseChange, options: GlobalOptions) async throws {
    let context = try CommandContext(options)
    let clock = context.clock
    let (record, revision) = try await context.administering {
        try await $0.write(change, version: PodguardVersion.current, now: clock.now)
    }
    try context.print(PauseResult(record, revision: revision, clock: clock))
}
