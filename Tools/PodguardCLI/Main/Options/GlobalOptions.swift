import Foundation
import ArgumentParser
import OperatorViews

/// Options every command takes: where the bus is, how to print, how to talk.
struct GlobalOptions: ParsableArguments {
    @OptionGroup(title: "Bus")
    var bus: BusFlags

    @Option(name: [.short, .long], help: ArgumentHelp("table (for people), json or yaml (for scripts).", valueName: "format"),
            completion: .list(OutputFormat.allCases.map(\.rawValue)), transform: GlobalOptions.outputFormat)
    var output: OutputFormat = .table

    @Flag(name: .long, help: "Print times in UTC instead of the local time zone.")
    var utc = false

    @Flag(name: .long, help: "Log the bus client's steps on stderr.")
    var verbose = false

    static func outputFormat(_ text: String) throws -> OutputFormat {
        guard let format = OutputFormat(rawValue: text.lowercased()) else {
            throw ValidationError("unknown output format '\(text)'; expected table, json or yaml")
        }
        return format
    }
}

/// Where Kubernetes is, for `approve` and `deny`.
struct KubeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("kubeconfig file (default: KUBECONFIG, else ~/.kube/config).", valueName: "file"), completion: .file())
    var kubeconfig: String?

    @Option(help: ArgumentHelp("kubeconfig context (default: its current context).", valueName: "name"))
    var context: String?

    @Option(name: .customLong("approval-annotation"), help: ArgumentHelp("Node annotation fencing reads (its remediation.approvalAnnotation).", valueName: "key"))
    var annotation = FenceApproval.defaultAnnotation
}
