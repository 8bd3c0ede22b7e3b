import ArgumentParser
import Foundation
import OperatorClient
import OperatorViews

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "The latest alerts; with --follow, then every new one as it comes.",
        discussion: "With --follow and --output json, one JSON object per line; with yaml, one document per alert. Stop with Ctrl-C.")

    @Option(help: ArgumentHelp("How many of the latest alerts to show first.", valueName: "n"))
    var last = 20

    @Flag(name: [.short, .long], help: "Keep printing new alerts until interrupted.")
    var follow = false

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if last < 0 { throw ValidationError("--last must be 0 or more") }
    }

    func run() async throws {
        let context = try CommandContext(options)
        guard follow else {
            let alerts = try await context.observing { try await $0.recentAlerts(count: last) }
            try context.print(AlertList(alerts, clock: context.clock))
            return
        }
        try await context.observing { bus in
            for try await alert in try await bus.followAlerts(backlog: last) {
                // Flushed alert by alert, so a pipe (jq, grep) sees each at once.
                FileHandle.standardOutput.write(Data(try options.output.renderStreamed(AlertView(alert, clock: context.clock)).utf8))
            }
        }
    }
}
