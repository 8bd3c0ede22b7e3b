import FencingCore
import Foundation
import LadderSettings
import Policy
import ServiceKit

/// How fencing makes a node safe when the arrays cannot prove it (keys `remediation.*`): the
/// ladder (the cluster's, and named ones a node's label picks), where each node's fence agent
/// credentials are, and how an approval is given. docs/configuration.md lists the keys.
public struct NodeRemediationSettings: Sendable {
    /// The cluster's ladder (podmon's behaviour, the storage fence alone, by default) and the
    /// named ones a node picks by label.
    public var ladders: RemediationLadders
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
    /// Whether the storage fence alone earns that taint when every volume attached to the node was
    /// unpublished from it by podguard (`OutOfServiceGate`). Off by default: the taint tells
    /// Kubernetes the node is shut down, and a storage fence proves only that the node no longer
    /// reaches its volumes — pods without volumes may still run there.
    public var outOfServiceAfterStorageFence: Bool
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

    public init(ladders: RemediationLadders = RemediationLadders(), secretNamespace: String = "podguard",
                secretPrefix: String = "podguard-fence-", agentDirectory: URL = URL(fileURLWithPath: "/usr/sbin"),
                agentTimeout: Duration = .seconds(60), approvalAnnotation: String = NodeApprovalAnnotation.defaultName,
                pollInterval: Duration = .seconds(2), outOfServiceTaint: OutOfServiceTaint = .auto,
                outOfServiceAfterStorageFence: Bool = false, maxConcurrentNodes: Int? = 2,
                externalTemplate: ExternalRemediationTemplate? = nil) {
        self.ladders = ladders
        self.secretNamespace = secretNamespace
        self.secretPrefix = secretPrefix
        self.agentDirectory = agentDirectory
        self.agentTimeout = agentTimeout
        self.approvalAnnotation = approvalAnnotation
        self.pollInterval = pollInterval
        self.outOfServiceTaint = outOfServiceTaint
        self.outOfServiceAfterStorageFence = outOfServiceAfterStorageFence
        self.maxConcurrentNodes = maxConcurrentNodes
        self.externalTemplate = externalTemplate
    }

    public func secretName(node: String) -> String { "\(secretPrefix)\(node)" }

    static let schema: [ConfigKey] = RemediationLadders.schema + [
        ConfigKey("remediation.fenceAgent.secretNamespace", .string, default: "podguard", help: "namespace of the per-node fence agent Secrets (keys agent, password, options)"),
        ConfigKey("remediation.fenceAgent.secretPrefix", .string, default: "podguard-fence-", help: "a node's fence agent Secret is <prefix><node name>; a node without one skips the fence-agent step"),
        ConfigKey("remediation.fenceAgent.directory", .string, default: "/usr/sbin", help: "where the ClusterLabs fence agents (fence_ipmilan, fence_redfish, ...) are installed"),
        ConfigKey("remediation.fenceAgent.timeout", .duration, default: "60s", help: "how long one fence agent call (status, off) may take before it is killed"),
        ConfigKey("remediation.approvalAnnotation", .string, default: NodeApprovalAnnotation.defaultName, help: "node annotation approving (approve:<bootID>) or denying (deny:<bootID>[:reason]) the approval step"),
        ConfigKey("remediation.pollInterval", .duration, default: "2s", help: "how often a climbing ladder is looked at and a waiting pod remediation asks again"),
        ConfigKey("remediation.maxConcurrentNodes", .int, default: "2", range: 0...100_000, help: "nodes whose ladder is climbed at once, cluster-wide; more wait (a storm limit: many unprovable nodes at once is likelier an outage); 0 = no limit"),
        ConfigKey("remediation.external.template", .string, default: nil, help: "the external step's medik8s remediation template, <group>/<version>/<TemplateKind>/<namespace>/<name>, e.g. fence-agents-remediation.medik8s.io/v1alpha1/FenceAgentsRemediationTemplate/podguard/far; unset: the step does not apply"),
        ConfigKey("remediation.outOfServiceTaint", .string, default: "auto", help: "the fast path: a node proven safe by the ladder (power off confirmed, approval) also gets node.kubernetes.io/out-of-service=nodeshutdown:NoExecute, so Kubernetes detaches its volumes at once; auto (apiserver 1.26+), always, never"),
        ConfigKey("remediation.outOfServiceAfterStorageFence", .bool, default: "false", help: "the fast path after the storage fence alone: the out-of-service taint also when every volume the attach/detach controller holds attached to the node was unpublished from it by a podguard fence (pods without volumes on the node are then force-deleted by Kubernetes too)"),
    ]

    init(_ configuration: Configuration) throws(ConfigError) {
        self.init(ladders: try RemediationLadders(configuration),
                  secretNamespace: configuration.string("remediation.fenceAgent.secretNamespace") ?? "podguard",
                  secretPrefix: configuration.string("remediation.fenceAgent.secretPrefix") ?? "podguard-fence-",
                  agentDirectory: URL(fileURLWithPath: configuration.string("remediation.fenceAgent.directory") ?? "/usr/sbin"),
                  agentTimeout: configuration.duration("remediation.fenceAgent.timeout") ?? .seconds(60),
                  approvalAnnotation: configuration.string("remediation.approvalAnnotation") ?? NodeApprovalAnnotation.defaultName,
                  pollInterval: configuration.duration("remediation.pollInterval") ?? .seconds(2),
                  outOfServiceTaint: try Self.outOfService(configuration.string("remediation.outOfServiceTaint") ?? "auto"),
                  outOfServiceAfterStorageFence: configuration.bool("remediation.outOfServiceAfterStorageFence") ?? false,
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
}

extension Int {
    /// nil for zero: a zero limit is no limit.
    fileprivate var nonZeroLimit: Int? { self == 0 ? nil : self }
}
