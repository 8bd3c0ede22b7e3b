import SwiftProtobuf
import Harness
import BusService
import Bus
import Contracts
import Foundation
import Kube
import OperatorClient
import OperatorViews
import Testing
import TestSupport

/// approve / deny against the real kube-apiserver the suites share: the answer is the node
/// annotation fencing reads, written only while the node's remediation waits for it.
@Suite("approve and deny on a real apiserver", .serialized, .timeLimit(.minutes(3)))
struct FenceApproverTests {
    static func node(_ kube: KubeClient) async throws -> String {
        let name = "op-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await kube.create(Node(name: name))
        return name
    }

    static func annotation(_ kube: KubeClient, _ node: String) async throws -> String? {
        try await kube.get(Node.self, name: node).metadata.annotations?[FenceApproval.defaultAnnotation]
    }

    @Test("approve writes approve:<bootID>; deny writes deny:<bootID>:<reason>")
    func answers() async throws {
        let kube = try await SharedKube.client(for: "operator")
        let bus = try await SeededBus.start()
        defer { Task { await bus.stop() } }
        let approved = try await Self.node(kube)
        let denied = try await Self.node(kube)
        defer { Task { for name in [approved, denied] { try? await kube.delete(Node.self, name: name) } } }
        _ = try await bus.open.nodeRemediations.keyValue.put(PodguardKeys.node(approved), message: Records.nodeRemediation(node: approved))
        _ = try await bus.open.nodeRemediations.keyValue.put(PodguardKeys.node(denied), message: Records.nodeRemediation(node: denied, bootID: "boot-b"))
        let approver = FenceApprover(kube: kube)
        let settings = try bus.settings()

        let result = try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) {
            try await approver.answer(.approve, node: approved, bus: $0)
        }
        #expect(result == FenceApprovalResult(node: approved, bootID: "boot-a", annotation: FenceApproval.defaultAnnotation,
                                              value: "approve:boot-a", answer: "approve"))
        #expect(try await Self.annotation(kube, approved) == "approve:boot-a")

        _ = try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) {
            try await approver.answer(.deny(reason: "disks still spinning"), node: denied, bus: $0)
        }
        #expect(try await Self.annotation(kube, denied) == "deny:boot-b:disks still spinning")
    }

    @Test("refused, and nothing written, when the node is not waiting for approval or does not exist")
    func refusals() async throws {
        let kube = try await SharedKube.client(for: "operator")
        let bus = try await SeededBus.start()
        defer { Task { await bus.stop() } }
        let climbing = try await Self.node(kube)
        let none = try await Self.node(kube)
        defer { Task { for name in [climbing, none] { try? await kube.delete(Node.self, name: name) } } }
        _ = try await bus.open.nodeRemediations.keyValue.put(PodguardKeys.node(climbing), message: Records.nodeRemediation(rung: 0, node: climbing))
        _ = try await bus.open.nodeRemediations.keyValue.put(PodguardKeys.node("ghost"), message: Records.nodeRemediation(node: "ghost"))
        let approver = FenceApprover(kube: kube)
        let settings = try bus.settings()

        await #expect {
            try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) { try await approver.answer(.approve, node: climbing, bus: $0) }
        } throws: { error in
            guard case OperatorError.refused(let text) = error else { return false }
            return text.hasPrefix("node \(climbing) is not waiting for approval: it is at step fence-agent")
        }
        #expect(try await Self.annotation(kube, climbing) == nil)

        await #expect(throws: OperatorError.refused("node \(none) has no node remediation: podguard is not waiting for an approval for it")) {
            try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) { try await approver.answer(.approve, node: none, bus: $0) }
        }
        #expect(try await Self.annotation(kube, none) == nil)

        await #expect {
            try await OperatorBus.with(settings, as: .observer, logger: SeededBus.logger) { try await approver.answer(.approve, node: "ghost", bus: $0) }
        } throws: { error in
            guard case OperatorError.kubernetes(let text) = error else { return false }
            return text.hasPrefix("node ghost does not exist")
        }
    }

    @Test("a kubeconfig that cannot be read is one clear error")
    func badKubeconfig() {
        #expect {
            try FenceApprover.client(kubeconfig: "/nonexistent/kubeconfig", context: nil, logger: SeededBus.logger)
        } throws: { error in
            guard case OperatorError.kubernetes(let text) = error else { return false }
            return text.hasPrefix("cannot use the kubeconfig /nonexistent/kubeconfig")
        }
    }

    @Test("the client from the shared control plane's kubeconfig reaches the apiserver")
    func kubeconfigClient() async throws {
        let plane = try await SharedKube.plane()
        let client = try FenceApprover.client(kubeconfig: plane.kubeconfigPath, context: nil, logger: SeededBus.logger)
        let kube = try await SharedKube.client(for: "operator")
        let name = try await Self.node(kube)
        defer { Task { try? await kube.delete(Node.self, name: name) } }
        #expect(try await client.getIfPresent(Node.self, name: name) != nil)
        try await client.shutdown()
    }
}
