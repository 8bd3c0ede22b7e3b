/// `Pod.spec.affinity`, reduced to what podmon's affinity groups read: the required pod-affinity
/// terms, their topology key and label selector.
public struct Affinity: Codable, Sendable, Hashable {
    public var podAffinity: PodAffinity?

    public init(podAffinity: PodAffinity? = nil) {
        self.podAffinity = podAffinity
    }

    /// `affinity.podAffinity`.
    public struct PodAffinity: Codable, Sendable, Hashable {
        public var requiredDuringSchedulingIgnoredDuringExecution: [Term]?

        public init(required: [Term]? = nil) {
            self.requiredDuringSchedulingIgnoredDuringExecution = required
        }
    }

    /// One `PodAffinityTerm`.
    public struct Term: Codable, Sendable, Hashable {
        public var topologyKey: String
        public var labelSelector: LabelSelector?

        public init(topologyKey: String, labelSelector: LabelSelector? = nil) {
            self.topologyKey = topologyKey
            self.labelSelector = labelSelector
        }
    }

    /// A `metav1.LabelSelector`.
    public struct LabelSelector: Codable, Sendable, Hashable {
        public var matchLabels: [String: String]?
        public var matchExpressions: [Requirement]?

        public init(matchLabels: [String: String]? = nil, matchExpressions: [Requirement]? = nil) {
            self.matchLabels = matchLabels
            self.matchExpressions = matchExpressions
        }
    }

    /// A `LabelSelectorRequirement`: `operator` is `In`, `NotIn`, `Exists` or `DoesNotExist`.
    public struct Requirement: Codable, Sendable, Hashable {
        public var key: String
        public var `operator`: String
        public var values: [String]?

        public init(key: String, operator: String, values: [String]? = nil) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }
}
