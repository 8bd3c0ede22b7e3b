import Foundation
import ArgumentParser

struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script for podguard.",
        discussion: """
        bash: source <(podguard completion bash)
        zsh:  podguard completion zsh > "${fpath[1]}/_podguard"
        fish: podguard completion fish > ~/.config/fish/completions/podguard.fish
        """)

    @Argument(help: ArgumentHelp("bash, zsh or fish.", valueName: "shell"), completion: .list(CompletionShell.allCases.map(\.rawValue)))
    var shell: String

    func run() throws {
        // The script completes the command it names; kubectl completes plugins its own way.
        if Invocation.current == .kubectlPlugin {
            throw ValidationError("shell completion is for the podguard command: run `podguard completion \(shell)`")
        }
        guard let chosen = CompletionShell(rawValue: shell) else {
            throw ValidationError("unknown shell '\(shell)'; expected \(CompletionShell.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        print(PodguardCommand.completionScript(for: chosen), terminator: "")
    }
}
