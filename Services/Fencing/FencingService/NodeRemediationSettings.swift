import FencingCore
import Foundation
import Policy
import ServiceKit

/// How fencing makes a node safe when the arrays cannot prove it (keys `remediation.*`): the
/// ladder (the cluster's, and named ones a node's label picks), where each node's fence agent
/// credentials are, and how an approval is given. docs/configuration.md lists the keys.
public struct NodeRemediationSettings: Sendable {
    /// The cluster's ladder; podmon's behaviour (the storage fence alone) by default.
    public var ladder: RemediationLadder
    /// Ladders a node picks by its `ladderLabel`.
    public var namedLadders: [String: RemediationLadder]
    public var ladderLabel: String
    /// Namespace and name prefix of the per-node fence agent Secrets (`<prefix><node>`).
    public var secretNamespace: String
    public var secretPrefix: String
    /// Where the fence agents (`fence_*`) are installed, and how long one call may take.
    public var agentDirectory: URL
    public var agentTimeout: Duration
    /// The node annotation a human approves or denies with: `approve:<bootID>` or `deny:<bootID>[:why]`.
    public var approvalAnnotation: String
    /// How often a climbing ladder is looked at, and a waiting pod remediation asks again.
    public var pollInterval: Duration
    /// Whether a node proven safe by the ladder gets Kubernetes' out-of-service taint.
    public var outOfServiceTaint: OutOfServiceTaint
    /// Nodes climbing at once, cluster-wide (a storm limit: many nodes unprovable at once is more
    /// likely a storage or network outage than many dead nodes); nil = no limit.
    public var maxConcurrentNodes: Int?
    /// The external step's template (`remediation.external.template`); nil: the step does not apply.
    public var externalTemplate: ExternalRemediationTemplate?

    /// When the out-of-service fast path applies.
    public enum OutOfServiceTaint: String, Sendable, CaseIterable {
        /// When the apiserver is 1.26 or newer (the taint is acted on from there).
        case auto
        case always
        case never
    }

    public init(ladder: RemediationLadder = .storageOnly, namedLadders: [String: RemediationLadder] = [:],
                ladderLabel: String = "podguard.io/remediation-ladder", secretNamespace: String = "podguard",
                secretPrefix: String = "podguard-fence-", agentDirectory: URL = URL(fileURLWithPath: "/usr/sbin"),
                agentTimeout: Duration = .seconds(60), approvalAnnotation: String = "podguard.io/fence-approval",
                pollInterval: Duration = .seconds(2), outOfServiceTaint: OutOfServiceTaint = .auto, maxConcurrentNodes: Int? = 2,
                externalTemplate: ExternalRemediationTemplate? = nil) {
        self.ladder = ladder
        self.namedLadders = namedLadders
        self.ladderLabel = ladderLabel
        self.secretNamespace = secretNamespace
        self.secretPrefix = secretPrefix
        self.agentDirectory = agentDirectory
        self.agentTimeout = agentTimeout
        self.approvalAnnotation = approvalAnnotation
        self.pollInterval = pollInterval
        self.outOfServiceTaint = outOfServiceTaint
        self.maxConcurrentNodes = maxConcurrentNodes
        self.externalTemplate = externalTemplate
    }

    /// Does any ladder go beyond the storage fence? Only then do pod remediations wait for a node's proof.
    public var ladderAvailable: Bool {
        !ladder.beyondStorage.rungs.isEmpty || namedLadders.values.contains { !$0.beyondStorage.rungs.isEmpty }
    }

    /// The ladder a node climbs: the one its label names, else the cluster's. A label naming no
    /// configured ladder gets the cluster's (and says so).
    public func ladder(nodeLabels: [String: String]) -> (name: String, ladder: RemediationLadder, unknownLabel: String?) {
        guard let wanted = nodeLabels[ladderLabel] else { return ("default", ladder, nil) }
        guard let named = namedLadders[wanted] else { return ("default", ladder, wanted) }
        return (wanted, named, nil)
    }

    public func secretName(node: String) -> String { "\(secretPrefix)\(node)" }

    static let schema: [ConfigKey] = [
        ConfigKey("remediation.ladder", .string, default: "storage:5m",
                  help: "the cluster's remediation ladder, rungs <step>:<timeout> tried in order when the arrays cannot prove a node safe; steps storage, fence-agent, external, approval (last), e.g. 'storage:5m fence-agent:3m approval:1h'; 'storage:5m' is podmon's behaviour"),
        ConfigKey("remediation.ladders", .stringList, default: nil,
                  help: "named ladders a node picks with its remediation.ladderLabel, <name>=<ladder>, e.g. 'bare-metal=storage:5m fence-agent:3m,vm=storage:5m approval:30m'"),
        ConfigKey("remediation.ladderLabel", .string, default: "podguard.io/remediation-ladder", help: "node label naming the ladder of remediation.ladders the node climbs"),
        ConfigKey("remediation.fenceAgent.secretNamespace", .string, default: "podguard", help: "namespace of the per-node fence agent Secrets (keys agent, password, options)"),
        ConfigKey("remediation.fenceAgent.secretPrefix", .string, default: "podguard-fence-", help: "a node's fence agent Secret is <prefix><node name>; a node without one skips the fence-agent step"),
        ConfigKey("remediation.fenceAgent.directory", .string, default: "/usr/sbin", help: "where the ClusterLabs fence agents (fence_ipmilan, fence_redfish, ...) are installed"),
        ConfigKey("remediation.fenceAgent.timeout", .duration, default: "60s", help: "how long one fence agent call (status, off) may take before it is killed"),
        ConfigKey("remediation.approvalAnnotation", .string, default: "podguard.io/fence-approval", help: "node annotation approving (approve:<bootID>) or denying (deny:<bootID>[:reason]) the approval step"),
        ConfigKey("remediation.pollInterval", .duration, default: "2s", help: "how often a climbing ladder is looked at and a waiting pod remediation asks again"),
        ConfigKey("remediation.maxConcurrentNodes", .int, default: "2", range: 0...100_000, help: "nodes whose ladder is climbed at once, cluster-wide; more wait (a storm limit: many unprovable nodes at once is likelier an outage); 0 = no limit"),
        ConfigKey("remediation.external.template", .string, default: nil, help: "the external step's medik8s remediation template, <group>/<version>/<TemplateKind>/<namespace>/<name>, e.g. fence-agents-remediation.medik8s.io/v1alpha1/FenceAgentsRemediationTemplate/podguard/far; unset: the step does not apply"),
        ConfigKey("remediation.outOfServiceTaint", .string, default: "auto", help: "the fast path: a node proven safe by the ladder (power off confirmed, approval) also gets node.kubernetes.io/out-of-service=nodeshutdown:NoExecute, so Kubernetes detaches its volumes at once; auto (apiserver 1.26+), always, never"),
    ]

    init(_ configuration: Configuration) throws(ConfigError) {
        let ladder = try Self.ladder(configuration.string("remediation.ladder") ?? "storage:5m", key: "remediation.ladder")
        var named: [String: RemediationLadder] = [:]
        for entry in configuration.stringList("remediation.ladders") ?? [] {
            let parts = entry.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ConfigError(key: "remediation.ladders", message: "invalid value '\(entry)' for 'remediation.ladders': expected <name>=<ladder>")
            }
            named[parts[0]] = try Self.ladder(parts[1], key: "remediation.ladders")
        }
        self.init(ladder: ladder, namedLadders: named,
                  ladderLabel: configuration.string("remediation.ladderLabel") ?? "podguard.io/remediation-ladder",
                  secretNamespace: configuration.string("remediation.fenceAgent.secretNamespace") ?? "podguard",
                  secretPrefix: configuration.string("remediation.fenceAgent.secretPrefix") ?? "podguard-fence-",
                  agentDirectory: URL(fileURLWithPath: configuration.string("remediation.fenceAgent.directory") ?? "/usr/sbin"),
                  agentTimeout: configuration.duration("remediation.fenceAgent.timeout") ?? .seconds(60),
                  approvalAnnotation: configuration.string("remediation.approvalAnnotation") ?? "podguard.io/fence-approval",
                  pollInterval: configuration.duration("remediation.pollInterval") ?? .seconds(2),
                  outOfServiceTaint: try Self.outOfService(configuration.string("remediation.outOfServiceTaint") ?? "auto"),
                  maxConcurrentNodes: (configuration.int("remediation.maxConcurrentNodes") ?? 2).nonZeroLimit,
                  externalTemplate: try Self.template(configuration.string("remediation.external.template")))
    }

    private static func template(_ text: String?) throws(ConfigError) -> ExternalRemediationTemplate? {
        guard let text, !text.isEmpty else { return nil }
        switch ExternalRemediationTemplate.parse(text) {
        case .success(let template): return template
        case .failure(let problem):
            throw ConfigError(key: "remediation.external.template",
                              message: "invalid value for 'remediation.external.template': \(problem.description)")
        }
    }

    private static func outOfService(_ text: String) throws(ConfigError) -> OutOfServiceTaint {
        guard let value = OutOfServiceTaint(rawValue: text) else {
            throw ConfigError(key: "remediation.outOfServiceTaint",
                              message: "invalid value '\(text)' for 'remediation.outOfServiceTaint': expected auto, always or never")
        }
        return value
    }

    private static func ladder(_ text: String, key: String) throws(ConfigError) -> RemediationLadder {
        do {
            return try RemediationLadder.parse(text, duration: DurationParser.parse)
        } catch {
            throw ConfigError(key: key, message: "invalid ladder '\(text)' for '\(key)': \(error.description)")
        }
    }
}

extension Int {
    /// nil for zero: a zero limit is no limit.
    fileprivate var nonZeroLimit: Int? { self == 0 ? nil : self }
}
