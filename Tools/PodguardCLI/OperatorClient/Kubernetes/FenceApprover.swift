import SwiftProtobuf
import Contracts
import Foundation
public import Kube
public import Logging
public import OperatorViews

/// Answers a node remediation's approval step: reads the node's record on the bus (the boot ID it
/// waits about), refuses when the node is not waiting for approval, and writes the answer as the
/// node annotation fencing reads — the same answer `kubectl annotate` would give, so the Kubernetes
/// audit log says who gave it.
public struct FenceApprover: Sendable {
    public let kube: KubeClient
    /// The annotation fencing reads (`remediation.approvalAnnotation`).
    public let annotation: String

    public init(kube: KubeClient, annotation: String = FenceApproval.defaultAnnotation) {
        self.kube = kube
        self.annotation = annotation
    }

    /// An approver with a client from `kubeconfig` (else `KUBECONFIG`, else `~/.kube/config`) and
    /// `context`; `shutdown()` it when done.
    public static func connect(kubeconfig: String?, context: String?, annotation: String, logger: Logger) throws -> FenceApprover {
        FenceApprover(kube: try client(kubeconfig: kubeconfig, context: context, logger: logger), annotation: annotation)
    }

    /// Closes the Kubernetes client's connections.
    public func shutdown() async {
        try? await kube.shutdown()
    }

    /// A client from `kubeconfig` (else `KUBECONFIG`, else `~/.kube/config`) and `context`.
    public static func client(kubeconfig: String?, context: String?, logger: Logger) throws -> KubeClient {
        do {
            return try KubeClient.fromKubeconfig(path: kubeconfig, context: context, logger: logger)
        } catch {
            throw OperatorError.kubernetes("cannot use the kubeconfig\(kubeconfig.map { " \($0)" } ?? ""): \(error)")
        }
    }

    /// Writes `answer` for `node` after checking its record (`bus`, read as the observer).
    public func answer(_ answer: FenceApproval, node: String, bus: OperatorBus) async throws -> FenceApprovalResult {
        let record = try await bus.nodeRemediation(node: node)
        let value: String
        do {
            value = try answer.annotation(node: node, record: record)
        } catch {
            throw OperatorError.refused(error.description)
        }
        do {
            guard try await kube.getIfPresent(Node.self, name: node) != nil else {
                throw OperatorError.kubernetes("node \(node) does not exist in the cluster of this kubeconfig (wrong context?)")
            }
            _ = try await kube.patch(Node.self, name: node, patch: .annotations([annotation: value]))
        } catch let error as OperatorError {
            throw error
        } catch {
            throw OperatorError.kubernetes("cannot annotate node \(node) (\(kube.configuration.server)): \(error)")
        }
        let bootID = record?.bootID ?? ""
        let name: String = switch answer {
        case .approve: "approve"
        case .deny: "deny"
        }
        return FenceApprovalResult(node: node, bootID: bootID, annotation: annotation, value: value, answer: name)
    }
}
