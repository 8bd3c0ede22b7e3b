import Contracts
import FencingCore
import Foundation
import Kube
import Logging
import Policy

/// The external step of the ladder against the apiserver: create the remediation CR from the
/// template (named after the node, as Node Healthcheck does), read what the provider says, delete
/// the CR when the step is given up or the node is back. Never takes over a CR podguard did not
/// create: another remediator owns that node.
struct ExternalRemediationStep: Sendable {
    let template: ExternalRemediationTemplate
    let kube: KubeClient

    static let remediationLabel = "podguard.io/remediation-id"
    static let managedBy = "podguard-fencing"

    var templateResource: ResourceDescriptor {
        ResourceDescriptor(group: template.group, version: template.version, plural: ExternalRemediationTemplate.plural(template.templateKind),
                           kind: template.templateKind, namespaced: true)
    }

    var remediationResource: ResourceDescriptor {
        ResourceDescriptor(group: template.group, version: template.version, plural: ExternalRemediationTemplate.plural(template.remediationKind),
                           kind: template.remediationKind, namespaced: true)
    }

    /// What happened when the step looked: the CR's verdict, or why the step cannot run.
    enum Look: Sendable, Equatable {
        case created
        case verdict(ExternalRemediationVerdict)
        case inapplicable(String)
        case failed(String)
    }

    /// Creates the CR (first look) or reads the provider's verdict (later looks).
    func look(_ record: Podguard_V1_NodeRemediationRecord, node: Node?) async throws -> Look {
        let name = record.nodeName
        if let existing = try await kube.getObject(remediationResource, name: name, namespace: template.namespace) {
            guard existing["metadata"]?["labels"]?[Self.remediationLabel]?.stringValue == record.remediationID else {
                return .inapplicable("another remediator owns the node: \(template.remediationKind) \(template.namespace)/\(name) exists")
            }
            let conditions = (existing["status"]?["conditions"]?.arrayValue ?? []).map { condition in
                ExternalRemediationVerdict.Condition(type: condition["type"]?.stringValue ?? "", status: condition["status"]?.stringValue ?? "",
                                                     reason: condition["reason"]?.stringValue ?? "", message: condition["message"]?.stringValue ?? "")
            }
            let outOfService = node?.taints.contains { $0.key == TaintKeys.outOfService && $0.effect == "NoExecute" } ?? false
            return .verdict(ExternalRemediationVerdict.evaluate(conditions: conditions, nodeExists: node != nil, nodeOutOfService: outOfService))
        }
        if !record.externalRemediation.isEmpty {
            return .failed("the \(template.remediationKind) \(record.externalRemediation) fencing created was deleted by someone else")
        }
        guard let source = try await kube.getObject(templateResource, name: template.name, namespace: template.namespace) else {
            return .inapplicable("the template \(template) does not exist")
        }
        let object = remediation(from: source, record: record)
        do {
            _ = try await kube.createObject(remediationResource, object, namespace: template.namespace)
        } catch let error as KubeError where error.isAlreadyExists {
            // Created meanwhile by another writer: whose it is shows at the next look.
            return .verdict(.pending)
        }
        return .created
    }

    /// The remediation CR of `record`'s node from the template: the template's `spec.template.spec`.
    func remediation(from template: JSONValue, record: Podguard_V1_NodeRemediationRecord) -> JSONValue {
        let spec = template["spec"]?["template"]?["spec"] ?? .object([:])
        return .object([
            "apiVersion": .string(self.template.apiVersion),
            "kind": .string(self.template.remediationKind),
            "metadata": .object([
                "name": .string(record.nodeName),
                "namespace": .string(self.template.namespace),
                "labels": .object([Self.remediationLabel: .string(record.remediationID), "app.kubernetes.io/managed-by": .string(Self.managedBy)]),
                "annotations": .object(["remediation.medik8s.io/node-name": .string(record.nodeName),
                                        "podguard.io/boot-id": .string(record.bootID)]),
            ]),
            "spec": spec,
        ])
    }

    /// Deletes the CR of `record` if it is podguard's (the step given up, or the node back).
    func withdraw(_ record: Podguard_V1_NodeRemediationRecord) async throws {
        guard let existing = try await kube.getObject(remediationResource, name: record.nodeName, namespace: template.namespace),
              existing["metadata"]?["labels"]?[Self.remediationLabel]?.stringValue == record.remediationID else { return }
        try await kube.deleteObject(remediationResource, name: record.nodeName, namespace: template.namespace)
    }

    /// How the record names the CR of a node.
    func objectName(node: String) -> String { "\(template.namespace)/\(node)" }
}
