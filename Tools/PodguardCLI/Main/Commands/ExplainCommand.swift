import Foundation
import ArgumentParser
import OperatorClient
import OperatorViews

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "What podguard saw and did about one pod, in plain words.",
        discussion: "Its DecisionRecords (kept 24 h), its FenceRecords' phases with their times, the node remediation its fence waited for, the replacement and the cleanup.")

    @Argument(help: ArgumentHelp("The pod, as <namespace>/<name>.", valueName: "namespace/pod"))
    var pod: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let reference: PodReference
        do {
            reference = try PodReference(parsing: pod)
        } catch {
            throw ValidationError(error.description)
        }
        let context = try CommandContext(options)
        let records = try await context.observing { try await $0.podRecords(reference) }
        try context.print(PodExplanation(records, clock: context.clock))
    }
}
