/// The ExternalRemediation step's template (medik8s's contract, as Node Healthcheck uses it):
/// `<group>/<version>/<TemplateKind>/<namespace>/<name>`, e.g.
/// `fence-agents-remediation.medik8s.io/v1alpha1/FenceAgentsRemediationTemplate/podguard/far`. The
/// remediation CR is of the template's kind without `Template`, in the template's namespace, named
/// after the node, with the template's `spec.template.spec`. Pure.
public struct ExternalRemediationTemplate: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var templateKind: String
    public var namespace: String
    public var name: String

    public init(group: String, version: String, templateKind: String, namespace: String, name: String) {
        self.group = group
        self.version = version
        self.templateKind = templateKind
        self.namespace = namespace
        self.name = name
    }

    /// Reads `<group>/<version>/<TemplateKind>/<namespace>/<name>`; nil with why when it is not that.
    public static func parse(_ text: String) -> Result<ExternalRemediationTemplate, ParseProblem> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts.allSatisfy({ !$0.isEmpty }) else {
            return .failure(ParseProblem(description: "'\(text)' is not <group>/<version>/<TemplateKind>/<namespace>/<name>"))
        }
        guard parts[2].hasSuffix("Template"), parts[2].count > "Template".count else {
            return .failure(ParseProblem(description: "kind '\(parts[2])' is not a remediation template (<Kind>Template)"))
        }
        return .success(ExternalRemediationTemplate(group: parts[0], version: parts[1], templateKind: parts[2],
                                                    namespace: parts[3], name: parts[4]))
    }

    public struct ParseProblem: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// The remediation CR's kind: the template's without `Template`.
    public var remediationKind: String { String(templateKind.dropLast("Template".count)) }
    public var apiVersion: String { "\(group)/\(version)" }
    /// The plural of a kind as the medik8s CRDs spell it: lower case, with an `s`.
    public static func plural(_ kind: String) -> String { kind.lowercased() + "s" }

    public var description: String { "\(group)/\(version)/\(templateKind)/\(namespace)/\(name)" }
}

/// What the remediation CR (and the node) say about the external step. Pure.
public enum ExternalRemediationVerdict: Sendable, Hashable {
    case proven(String)
    case failed(String)
    case pending

    /// A condition of the CR's `status.conditions`.
    public struct Condition: Sendable, Hashable {
        public var type: String
        public var status: String
        public var reason: String
        public var message: String

        public init(type: String, status: String, reason: String = "", message: String = "") {
            self.type = type
            self.status = status
            self.reason = reason
            self.message = message
        }
    }

    /// medik8s providers report `Succeeded`: True once the node is isolated (a FenceAgentsRemediation
    /// after its agent fenced the node and its workloads were evicted), False when they gave up.
    /// The provider's out-of-service taint on the node, or the node deleted (machine deletion),
    /// proves it too. Anything else: still pending.
    public static func evaluate(conditions: [Condition], nodeExists: Bool, nodeOutOfService: Bool) -> ExternalRemediationVerdict {
        if !nodeExists { return .proven("the node was deleted by the provider") }
        if let succeeded = conditions.first(where: { $0.type == "Succeeded" }) {
            if succeeded.status == "True" { return .proven("the provider reports Succeeded") }
            if succeeded.status == "False" {
                let why = [succeeded.reason, succeeded.message].filter { !$0.isEmpty }.joined(separator: ": ")
                return .failed("the provider reports it did not succeed\(why.isEmpty ? "" : " (\(why))")")
            }
        }
        if nodeOutOfService { return .proven("the provider put the out-of-service taint on the node") }
        return .pending
    }
}
