/// Who connects to podguard's bus: each podguard service, one per array family and mode for the
/// adapters, a read-only observer (podguard-tap, alert subscribers) and the administrator who
/// installs the topology. Each is one NATS user with the permissions `BusTopology.access(for:)`
/// describes (docs/bus-contract.md, "Who may do what").
public enum BusPrincipal: Hashable, Sendable {
    case watcher
    case arrayProber
    case decision
    case fencing
    case nodeCleanup
    /// Delivers Alerts to Alertmanager and webhooks.
    case alertRelay
    /// The controller-mode adapter of one family (ControllerUnpublish, validate, probe).
    case controllerAdapter(Podguard_V1_ArrayFamily)
    /// The node-mode adapters of one family, every node's (one DaemonSet shares one credential).
    case nodeAdapter(Podguard_V1_ArrayFamily)
    /// Reads alerts, events and state; writes nothing.
    case observer
    /// Creates and updates the streams, consumers and buckets; may publish anything under the
    /// prefix (operators' tools).
    case administrator

    /// The families with adapters of their own.
    public static let adapterFamilies: [Podguard_V1_ArrayFamily] = [.powerflex, .powerstore, .powerscale, .powermax, .unity, .generic]

    /// Every principal of an installation, adapters of the given families.
    public static func all(families: [Podguard_V1_ArrayFamily] = adapterFamilies) -> [BusPrincipal] {
        [.watcher, .arrayProber, .decision, .fencing, .nodeCleanup, .alertRelay]
            + families.flatMap { [BusPrincipal.controllerAdapter($0), .nodeAdapter($0)] }
            + [.observer, .administrator]
    }

    /// The role part of the NATS user name ("watcher", "adapter-powerflex-controller").
    public var role: String {
        switch self {
        case .watcher: "watcher"
        case .arrayProber: "array-prober"
        case .decision: "decision"
        case .fencing: "fencing"
        case .nodeCleanup: "node-cleanup"
        case .alertRelay: "alert-relay"
        case .controllerAdapter(let family): "adapter-\(PodguardSubjects.token(family))-controller"
        case .nodeAdapter(let family): "adapter-\(PodguardSubjects.token(family))-node"
        case .observer: "observer"
        case .administrator: "admin"
        }
    }

    /// The principal a role names (`role`'s inverse); nil when unknown.
    public init?(role: String) {
        guard let match = Self.all().first(where: { $0.role == role }) else { return nil }
        self = match
    }
}
