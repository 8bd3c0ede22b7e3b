public import Kube
public import StatefulClusterCore

/// Why a spec cannot be acted on (reported in the ReplicaFailure condition; the CRD's schema
/// catches most of this at admission already).
public struct ClusterSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What the controller reads of a StatefulCluster's spec.
public struct ClusterSpec: Sendable, Equatable {
    public var replicas: Int
    public var selector: LabelSelector
    /// The pod template (`metadata` and `spec`) as written.
    public var template: JSONValue
    /// The claim templates in order, each with `metadata.name`.
    public var claimTemplates: [JSONValue]
    public var minReadySeconds: Int
    /// nil: the controller's default (`statefulCluster.notReadyTimeout`); 0 turns liveness off.
    public var livenessTimeoutSeconds: Int?
    public var retention: ClaimRetentionPolicy
    /// Hash of template and claim templates: pods of another revision are rolled out.
    public var revision: String

    /// The fields of a StatefulSet spec StatefulCluster does not take (seed 004): the schema
    /// rejects them at admission; a spec that carries one anyway (an older CRD) is refused here.
    public static let unsupportedFields = ["serviceName", "podManagementPolicy", "updateStrategy", "revisionHistoryLimit", "ordinals"]

    public init(_ cluster: StatefulClusterObject) throws(ClusterSpecError) {
        guard let spec = cluster.spec, case .object(let fields) = spec else { throw ClusterSpecError("spec is missing") }
        if let field = Self.unsupportedFields.first(where: { fields[$0] != nil && fields[$0] != .null }) {
            throw ClusterSpecError("spec.\(field) is not supported by StatefulCluster")
        }
        let replicas = spec["replicas"]?.intValue ?? 1
        guard replicas >= 0 else { throw ClusterSpecError("spec.replicas must not be negative") }
        selector = try LabelSelector(json: spec["selector"])
        guard let template = spec["template"], case .object = template, template["spec"]?.objectValue != nil else {
            throw ClusterSpecError("spec.template.spec is required")
        }
        var claimNames: Set<String> = []
        let claimTemplates = spec["volumeClaimTemplates"]?.arrayValue ?? []
        for (index, claim) in claimTemplates.enumerated() {
            guard let name = claim["metadata"]?["name"]?.stringValue, !name.isEmpty else {
                throw ClusterSpecError("spec.volumeClaimTemplates[\(index)].metadata.name is required")
            }
            guard claimNames.insert(name).inserted else { throw ClusterSpecError("spec.volumeClaimTemplates: \(name) appears twice") }
        }
        var templateLabels: [String: String] = [:]
        for (key, value) in template["metadata"]?["labels"]?.objectValue ?? [:] { templateLabels[key] = value.stringValue }
        // The seed's example template has no labels: the controller adds the selector's
        // matchLabels to each pod, so only what they cannot supply must come from the template.
        guard selector.matches(templateLabels.merging(selector.matchLabels) { $1 }) else {
            throw ClusterSpecError("spec.template.metadata.labels do not match spec.selector (\(selector.rendered))")
        }
        self.replicas = replicas
        self.template = template
        self.claimTemplates = claimTemplates
        minReadySeconds = max(0, spec["minReadySeconds"]?.intValue ?? 0)
        livenessTimeoutSeconds = spec["livenessTimeoutSeconds"]?.intValue
        let policy = spec["persistentVolumeClaimRetentionPolicy"]
        func policyValue(_ key: String) throws(ClusterSpecError) -> ClaimRetention {
            guard let raw = policy?[key]?.stringValue else { return .retain }
            guard let value = ClaimRetention(rawValue: raw) else {
                throw ClusterSpecError("spec.persistentVolumeClaimRetentionPolicy.\(key) must be Retain or Delete, not \(raw)")
            }
            return value
        }
        retention = ClaimRetentionPolicy(whenDeleted: try policyValue("whenDeleted"), whenScaled: try policyValue("whenScaled"),
                                         whenReplaced: try policyValue("whenReplaced"))
        revision = Self.revision(template: template, claimTemplates: claimTemplates)
    }

    public var claimTemplateNames: [String] { claimTemplates.compactMap { $0["metadata"]?["name"]?.stringValue } }

    /// FNV-1a of the canonical JSON (keys sorted), as ten hex digits: a label value.
    static func revision(template: JSONValue, claimTemplates: [JSONValue]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in JSONValue.array([template, .array(claimTemplates)]).encodedBytes() {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return String(String(hash, radix: 16).suffix(10))
    }
}
