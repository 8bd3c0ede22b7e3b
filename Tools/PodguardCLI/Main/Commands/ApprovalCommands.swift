import Foundation
import ArgumentParser
import OperatorClient
import OperatorViews

struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve fencing a node whose remediation waits at its approval step.",
        discussion: "Make sure the node is really down (powered off, or cut off from storage and network) first. Writes the node annotation approve:<bootID> that fencing reads; refused when the node is not waiting for approval.")

    @Argument(help: ArgumentHelp("The node.", valueName: "node"))
    var node: String

    @OptionGroup var kube: KubeOptions
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await answer(.approve, node: node, kube: kube, options: options)
    }
}

struct DenyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny",
        abstract: "Deny fencing a node whose remediation waits at its approval step: nothing is deleted.",
        discussion: "Writes the node annotation deny:<bootID>[:reason] that fencing reads; refused when the node is not waiting for approval.")

    @Argument(help: ArgumentHelp("The node.", valueName: "node"))
    var node: String

    @Option(help: ArgumentHelp("Why (recorded in the node's remediation and the NodeFenceDenied alert).", valueName: "text"))
    var reason = ""

    @OptionGroup var kube: KubeOptions
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await answer(.deny(reason: reason), node: node, kube: kube, options: options)
    }
}

/// Reads the node's remediation as the observer, then writes the annotation through Kubernetes.
private func answer(_ answer: FenceApproval, node: String, kube: KubeOptions, options: GlobalOptions) async throws {
    if let problem = KubernetesName.problem(node) { throw ValidationError("'\(node)' is not a node name: \(problem)") }
    let context = try CommandContext(options)
    let approver = try FenceApprover.connect(kubeconfig: kube.kubeconfig, context: kube.context, annotation: kube.annotation,
                                             logger: context.logger)
    let result: Result<FenceApprovalResult, any Error>
    do {
        result = .success(try await context.observing { try await approver.answer(answer, node: node, bus: $0) })
    } catch {
        result = .failure(error)
    }
    await approver.shutdown()
    try context.print(try result.get())
}
