import Foundation
import Kube

/// The CRDs of medik8s's Fence Agents Remediation (group `fence-agents-remediation.medik8s.io`,
/// v1alpha1): `FenceAgentsRemediationTemplate` and `FenceAgentsRemediation`, written here after
/// their published schema (the spec fields FAR documents, the `Succeeded`/`Processing` conditions,
/// the status subresource), so tests can run podguard's external step against the real apiserver
/// and play the provider's side.
public enum Medik8sCRDs {
    public static let group = "fence-agents-remediation.medik8s.io"
    public static let version = "v1alpha1"

    public static let template = ResourceDescriptor(group: group, version: version, plural: "fenceagentsremediationtemplates",
                                                    kind: "FenceAgentsRemediationTemplate", namespaced: true)
    public static let remediation = ResourceDescriptor(group: group, version: version, plural: "fenceagentsremediations",
                                                       kind: "FenceAgentsRemediation", namespaced: true)

    /// `FenceAgentsRemediation.spec` (FAR's published fields).
    static let remediationSpec = """
        {"type": "object", "properties": {
          "agent": {"type": "string", "description": "the fence agent, e.g. fence_ipmilan"},
          "sharedparameters": {"type": "object", "additionalProperties": {"type": "string"}},
          "nodeparameters": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}}},
          "sharedSecretName": {"type": "string"},
          "retrycount": {"type": "integer"},
          "retryinterval": {"type": "string"},
          "timeout": {"type": "string"},
          "remediationStrategy": {"type": "string", "enum": ["ResourceDeletion", "OutOfServiceTaint"]}
        }, "required": ["agent"]}
        """

    static let status = """
        {"type": "object", "properties": {
          "conditions": {"type": "array", "items": {"type": "object", "properties": {
            "type": {"type": "string"}, "status": {"type": "string", "enum": ["True", "False", "Unknown"]},
            "reason": {"type": "string"}, "message": {"type": "string"}, "lastTransitionTime": {"type": "string", "format": "date-time"},
            "observedGeneration": {"type": "integer"}}, "required": ["type", "status"]}},
          "lastUpdateTime": {"type": "string", "format": "date-time"}
        }}
        """

    static func definition(kind: String, plural: String, spec: String, withStatus: Bool) -> String {
        """
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "\(plural).\(group)"},
         "spec": {"group": "\(group)", "scope": "Namespaced",
          "names": {"kind": "\(kind)", "listKind": "\(kind)List", "plural": "\(plural)", "singular": "\(kind.lowercased())"},
          "versions": [{"name": "\(version)", "served": true, "storage": true,
            \(withStatus ? #""subresources": {"status": {}},"# : "")
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
              "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
              "spec": \(spec)\(withStatus ? #", "status": \#(status)"# : "")}}}}]}}
        """
    }

    /// Installs both CRDs (if missing) and waits until the apiserver serves them.
    public static func install(_ kube: KubeClient) async throws {
        let templateSpec = #"{"type": "object", "properties": {"template": {"type": "object", "properties": {"spec": \#(remediationSpec)}, "required": ["spec"]}}, "required": ["template"]}"#
        let manifests = [
            definition(kind: "FenceAgentsRemediationTemplate", plural: "fenceagentsremediationtemplates", spec: templateSpec, withStatus: false),
            definition(kind: "FenceAgentsRemediation", plural: "fenceagentsremediations", spec: remediationSpec, withStatus: true),
        ]
        for manifest in manifests {
            try await CustomResourceDefinitions.ensure(try JSONValue(data: Data(manifest.utf8)), kube: kube)
        }
    }

    /// Installs the CRDs and the `FenceAgentsRemediationTemplate` `name` in `namespace` an operator of
    /// Fence Agents Remediation would create (fence_ipmilan, the OutOfServiceTaint strategy);
    /// returns the template as `remediation.external.template` names it.
    @discardableResult
    public static func installTemplate(_ kube: KubeClient, namespace: String, name: String = "far") async throws -> String {
        try await install(kube)
        let template = try JSONValue(data: Data("""
            {"apiVersion": "\(group)/\(version)", "kind": "FenceAgentsRemediationTemplate",
             "metadata": {"name": "\(name)", "namespace": "\(namespace)"},
             "spec": {"template": {"spec": {"agent": "fence_ipmilan", "sharedparameters": {"--username": "admin"},
                                            "retrycount": 5, "timeout": "60s", "remediationStrategy": "OutOfServiceTaint"}}}}
            """.utf8))
        _ = try await kube.createObject(Self.template, template, namespace: namespace)
        return "\(group)/\(version)/FenceAgentsRemediationTemplate/\(namespace)/\(name)"
    }
}
