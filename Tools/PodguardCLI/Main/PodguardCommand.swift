import ArgumentParser
import Foundation
import OperatorClient
import ServiceKit

/// `podguard` (also installed as `kubectl-podguard`): what podguard is doing, and why.
@main
struct PodguardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: Invocation.current.commandName,
        abstract: "What podguard is doing, and why.",
        discussion: "Reads podguard's bus as the observer; pause and resume write as the administrator; approve and deny annotate the node through Kubernetes. Exit codes: 0 done, 1 refused or unknown, 64 bad usage, 69 bus or Kubernetes unavailable, 77 the bus refused the credentials, 78 configuration error.",
        version: "podguard \(PodguardVersion.current)",
        subcommands: [StatusCommand.self, ExplainCommand.self, HistoryCommand.self, AlertsCommand.self,
                      PauseCommand.self, ResumeCommand.self, ApproveCommand.self, DenyCommand.self, CompletionCommand.self])

    /// Parses, runs, and turns every failure into one line on stderr and an exit code (no stack trace).
    static func main() async {
        do {
            var command = try parseAsRoot(Array(CommandLine.arguments.dropFirst()))
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let failure as OperatorError {
            fail(failure.description, code: CommandFailure.exitCode(failure))
        } catch let failure as ConfigError {
            fail("configuration error: \(failure.description)", code: PodguardApplication.exitConfigurationError)
        } catch {
            exit(withError: error)
        }
    }

    private static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("\(Invocation.current.commandName): \(message)\n".utf8))
        Foundation.exit(code)
    }
}

/// How the program was started: as `podguard`, or by kubectl as the plugin `kubectl-podguard`
/// (`kubectl podguard status`), which its help then names.
enum Invocation {
    case podguard
    case kubectlPlugin

    static let current: Invocation =
        URL(fileURLWithPath: CommandLine.arguments.first ?? "podguard").lastPathComponent == "kubectl-podguard" ? .kubectlPlugin : .podguard

    var commandName: String {
        switch self {
        case .podguard: "podguard"
        case .kubectlPlugin: "kubectl podguard"
        }
    }
}

/// The exit codes (sysexits.h, as the services use 78 for configuration errors).
enum CommandFailure {
    static func exitCode(_ error: OperatorError) -> Int32 {
        switch error {
        case .unknownPod, .refused: 1
        case .busUnreachable, .topologyMissing, .bus, .kubernetes: 69
        case .busRefused: 77
        }
    }
}
