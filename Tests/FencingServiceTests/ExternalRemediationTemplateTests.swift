import FencingCore
import Testing

@Suite("ExternalRemediation: the template and the provider's verdict (pure)")
struct ExternalRemediationTemplateTests {
    @Test("a template names group, version, kind, namespace and name; the CR's kind and plurals follow medik8s")
    func parse() throws {
        let template = try ExternalRemediationTemplate.parse(
            "fence-agents-remediation.medik8s.io/v1alpha1/FenceAgentsRemediationTemplate/podguard/far").get()
        #expect(template.remediationKind == "FenceAgentsRemediation")
        #expect(template.apiVersion == "fence-agents-remediation.medik8s.io/v1alpha1")
        #expect(ExternalRemediationTemplate.plural(template.remediationKind) == "fenceagentsremediations")
        #expect(ExternalRemediationTemplate.plural(template.templateKind) == "fenceagentsremediationtemplates")
        #expect((template.namespace, template.name) == ("podguard", "far"))
        #expect(template.description == "fence-agents-remediation.medik8s.io/v1alpha1/FenceAgentsRemediationTemplate/podguard/far")
    }

    @Test("templates that are not one are refused", arguments: [
        "", "a/b/c/d", "g/v/FenceAgentsRemediation/ns/name", "g/v/Template/ns/name", "g//KindTemplate/ns/name", "g/v/KindTemplate/ns/n/x",
    ])
    func refused(text: String) {
        guard case .failure = ExternalRemediationTemplate.parse(text) else {
            Issue.record("'\(text)' accepted")
            return
        }
    }

    typealias Condition = ExternalRemediationVerdict.Condition

    @Test("the provider's verdict: Succeeded True, the node deleted or out of service prove it; Succeeded False fails it; else pending")
    func verdicts() {
        let processing = [Condition(type: "Processing", status: "True"), Condition(type: "Succeeded", status: "Unknown")]
        #expect(ExternalRemediationVerdict.evaluate(conditions: [], nodeExists: true, nodeOutOfService: false) == .pending)
        #expect(ExternalRemediationVerdict.evaluate(conditions: processing, nodeExists: true, nodeOutOfService: false) == .pending)
        #expect(ExternalRemediationVerdict.evaluate(conditions: [Condition(type: "Succeeded", status: "True")], nodeExists: true,
                                                    nodeOutOfService: false) == .proven("the provider reports Succeeded"))
        #expect(ExternalRemediationVerdict.evaluate(conditions: processing, nodeExists: false, nodeOutOfService: false)
                == .proven("the node was deleted by the provider"))
        #expect(ExternalRemediationVerdict.evaluate(conditions: processing, nodeExists: true, nodeOutOfService: true)
                == .proven("the provider put the out-of-service taint on the node"))
        let failed = ExternalRemediationVerdict.evaluate(
            conditions: [Condition(type: "Succeeded", status: "False", reason: "FenceAgentFailed", message: "timeout")],
            nodeExists: true, nodeOutOfService: true)
        #expect(failed == .failed("the provider reports it did not succeed (FenceAgentFailed: timeout)"),
                "a provider's failure wins over a taint someone else may have put there")
    }
}
