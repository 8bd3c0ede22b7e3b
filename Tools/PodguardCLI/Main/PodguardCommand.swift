import ArgumentParser

/// `podguard` (also installed as `kubectl-podguard`): what podguard is doing, and why.
@main
struct PodguardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "podguard", abstract: "What podguard is doing, and why.")
}
