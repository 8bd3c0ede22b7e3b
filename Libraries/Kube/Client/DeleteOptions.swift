/// Options of a delete: grace period, preconditions and propagation.
public struct DeleteOptions: Sendable, Hashable {
    /// `0` with a pod: force delete (no kubelet confirmation), what podguard does on a dead node.
    public var gracePeriodSeconds: Int64?
    /// Delete only if the object still has this uid (not a same-named successor).
    public var preconditionUID: String?
    /// Delete only if the object is still at this resourceVersion.
    public var preconditionResourceVersion: String?
    public var propagationPolicy: PropagationPolicy?
    public var timeout: Duration?

    public init(gracePeriodSeconds: Int64? = nil, preconditionUID: String? = nil, preconditionResourceVersion: String? = nil, propagationPolicy: PropagationPolicy? = nil) {
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.propagationPolicy = propagationPolicy
    }

    /// The `DeleteOptions` body.
    var body: JSONValue {
        var members: [String: JSONValue] = ["apiVersion": .string("v1"), "kind": .string("DeleteOptions")]
        if let gracePeriodSeconds { members["gracePeriodSeconds"] = .number(Double(gracePeriodSeconds)) }
        var preconditions: [String: JSONValue] = [:]
        if let preconditionUID { preconditions["uid"] = .string(preconditionUID) }
        if let preconditionResourceVersion { preconditions["resourceVersion"] = .string(preconditionResourceVersion) }
        if !preconditions.isEmpty { members["preconditions"] = .object(preconditions) }
        if let propagationPolicy { members["propagationPolicy"] = .string(propagationPolicy.rawValue) }
        return .object(members)
    }
}
