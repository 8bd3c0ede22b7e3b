public import ArrayFamily
import Harness
public import NodeSimulator

/// One randomized schedule of the chaos run (`podguard-bench chaos`, docs/chaos.md): which nodes
/// fail and how, and what else goes wrong while podguard works. A pure function of the seed, the
/// run's index and the stack's shape, so a failing run is replayed from the seed it prints.
///
/// As podmon's longevity test does, a third of the nodes fail at a time, cyclically: run `i` fails
/// the nodes of group `i % 3`, so every node fails every third run.
public struct ChaosSchedule: Sendable, Hashable, CustomStringConvertible {
    public var seed: UInt64
    public var run: Int
    public var nodeFaults: [ChaosNodeFault]
    /// Other faults, each at its offset from the node faults.
    public var disturbances: [ChaosTimedDisturbance]

    public var description: String {
        let nodes = nodeFaults.map { "\($0.node) \($0.fault.rawValue)" }.joined(separator: ", ")
        let others = disturbances.map { "+\(ChaosSchedule.seconds($0.offset)) \($0.disturbance)" }.joined(separator: ", ")
        return "run \(run) (seed \(seed)): \(nodes)\(others.isEmpty ? "" : "; \(others)")"
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(milliseconds / 1000).\(milliseconds % 1000 / 100)s"
    }
}

/// A node fault of a schedule.
public struct ChaosNodeFault: Sendable, Hashable {
    public var node: String
    public var fault: NodeFault

    public init(node: String, fault: NodeFault) {
        self.node = node
        self.fault = fault
    }

    /// Whether podguard must move the node's protected pods. Cut off or rebooting, the node is
    /// proven safe by its arrays; a zombie whose kubelet stopped still writes, and a node whose
    /// driver pod is down keeps Ready pods, so both must be left alone (without a fence agent).
    public var movesPods: Bool {
        switch fault {
        case .interfaceDown, .reboot: true
        case .kubeletDown, .driverPodDown: false
        }
    }
}

/// A disturbance at `offset` after the node faults.
public struct ChaosTimedDisturbance: Sendable, Hashable {
    public var offset: Duration
    public var disturbance: ChaosDisturbance
}

/// What else goes wrong during a run.
public enum ChaosDisturbance: Sendable, Hashable, CustomStringConvertible {
    /// SIGKILL, then started again after `restartAfter` (as a kubelet restarts a container).
    case killService(ServiceID, restartAfter: Duration)
    /// One nats-server of the bus (`member` of a cluster; 0 for a single server) stops and comes
    /// back with its store after `downtime`.
    case restartBusServer(member: Int, downtime: Duration)
    /// kube-apiserver stops and comes back in place after `downtime`.
    case restartAPIServer(downtime: Duration)
    /// Every call of `method` (nil: every method) of the family's CSI driver waits `delay` first,
    /// for `lasting`.
    case slowCSI(family: ArrayFamilyID, method: String?, delay: Duration, lasting: Duration)
    /// The next `calls` calls of `method` of the family's CSI driver fail.
    case failingCSI(family: ArrayFamilyID, method: String, calls: Int)
    /// Every request of the services to the API server is answered `status` (429 or 500) for
    /// `lasting` (``KubeFaultProxy``).
    case apiErrorBurst(status: Int, lasting: Duration)

    /// What the disturbance acts on; two on one target must not overlap.
    public var target: String {
        switch self {
        case .killService(let id, _): "service \(id)"
        case .restartBusServer(let member, _): "nats-server \(member)"
        case .restartAPIServer: "kube-apiserver"
        case .slowCSI(let family, _, _, _): "csi-latency \(family.rawValue)"
        case .failingCSI(let family, let method, _): "csi-failures \(family.rawValue) \(method)"
        case .apiErrorBurst: "fault proxy"
        }
    }

    public var kind: ChaosDisturbanceKind {
        switch self {
        case .killService: .killService
        case .restartBusServer: .restartBusServer
        case .restartAPIServer: .restartAPIServer
        case .slowCSI: .slowCSI
        case .failingCSI: .failingCSI
        case .apiErrorBurst: .apiErrorBurst
        }
    }

    public var description: String {
        switch self {
        case .killService(let id, let after): "SIGKILL \(id), back after \(ChaosSchedule.seconds(after))"
        case .restartBusServer(let member, let downtime): "nats-server \(member) down \(ChaosSchedule.seconds(downtime))"
        case .restartAPIServer(let downtime): "kube-apiserver down \(ChaosSchedule.seconds(downtime))"
        case .slowCSI(let family, let method, let delay, let lasting):
            "\(family.rawValue) CSI \(method ?? "every call") +\(ChaosSchedule.seconds(delay)) for \(ChaosSchedule.seconds(lasting))"
        case .failingCSI(let family, let method, let calls): "\(family.rawValue) CSI \(method) fails \(calls)×"
        case .apiErrorBurst(let status, let lasting): "API answers \(status) for \(ChaosSchedule.seconds(lasting))"
        }
    }
}

public enum ChaosDisturbanceKind: String, Sendable, Hashable, CaseIterable {
    case killService = "kill"
    case restartBusServer = "bus-restart"
    case restartAPIServer = "api-restart"
    case slowCSI = "csi-slow"
    case failingCSI = "csi-failing"
    case apiErrorBurst = "api-errors"
}

/// The shape of the stack a schedule is made for.
public struct ChaosScope: Sendable {
    public var nodes: [String]
    public var services: [ServiceID]
    public var families: [ArrayFamilyID]
    public var busServers: Int
    public var nodeFaults: [NodeFault]
    public var disturbances: Set<ChaosDisturbanceKind>
    /// Disturbances per run: at least, at most.
    public var disturbancesPerRun: ClosedRange<Int>
    /// Disturbances happen within this long after the node faults (while podguard works).
    public var window: Duration

    public init(nodes: [String], services: [ServiceID], families: [ArrayFamilyID], busServers: Int,
                nodeFaults: [NodeFault] = NodeFault.allCases, disturbances: Set<ChaosDisturbanceKind> = Set(ChaosDisturbanceKind.allCases),
                disturbancesPerRun: ClosedRange<Int> = 1...3, window: Duration = .seconds(12)) {
        self.nodes = nodes
        self.services = services
        self.families = families
        self.busServers = busServers
        self.nodeFaults = nodeFaults
        self.disturbances = disturbances
        self.disturbancesPerRun = disturbancesPerRun
        self.window = window
    }

    /// Run `run`'s third of the nodes: groups of consecutive nodes, as even as they can be.
    public func group(of run: Int) -> [String] {
        let groups = max(1, min(3, nodes.count))
        let index = run % groups
        return nodes.enumerated().filter { $0.offset * groups / nodes.count == index }.map(\.element)
    }
}

extension ChaosSchedule {
    /// The schedule of run `run` of a chaos run seeded `seed`.
    public static func make(seed: UInt64, run: Int, scope: ChaosScope) -> ChaosSchedule {
        // Each run's generator starts from a mixed seed: seeds one gamma apart would give every
        // run the previous run's numbers shifted by one.
        var seeder = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: run) &* 0xD6E8_FEB8_6659_FD93))
        var random = SplitMix64(seed: seeder.next())
        // Nodes are cut off or reboot most often (what moves pods); zombies and driver pod outages
        // are the faults podguard must sit out.
        let weights: [NodeFault: Int] = [.interfaceDown: 4, .reboot: 3, .kubeletDown: 2, .driverPodDown: 1]
        let faults = scope.nodeFaults.isEmpty ? [NodeFault.interfaceDown] : scope.nodeFaults
        let nodeFaults = scope.group(of: run).map { node in
            ChaosNodeFault(node: node, fault: pick(faults, weights: faults.map { weights[$0] ?? 1 }, using: &random))
        }
        var kinds = ChaosDisturbanceKind.allCases.filter { scope.disturbances.contains($0) }
        if scope.services.isEmpty { kinds.removeAll { $0 == .killService } }
        if scope.families.isEmpty { kinds.removeAll { $0 == .slowCSI || $0 == .failingCSI } }
        var disturbances: [ChaosTimedDisturbance] = []
        if !kinds.isEmpty {
            let count = Int.random(in: scope.disturbancesPerRun, using: &random)
            // Killing a service is the most common; restarts of the bus and the API server are rarer
            // (each costs every service its connections).
            let kindWeights: [ChaosDisturbanceKind: Int] = [.killService: 5, .restartBusServer: 2, .restartAPIServer: 1,
                                                              .slowCSI: 2, .failingCSI: 2, .apiErrorBurst: 2]
            for _ in 0..<count {
                let kind = pick(kinds, weights: kinds.map { kindWeights[$0] ?? 1 }, using: &random)
                let offset = milliseconds(0...Int(scope.window.components.seconds * 1000), using: &random)
                disturbances.append(ChaosTimedDisturbance(offset: offset, disturbance: disturbance(kind, scope: scope, using: &random)))
            }
        }
        disturbances.sort { $0.offset < $1.offset }
        return ChaosSchedule(seed: seed, run: run, nodeFaults: nodeFaults, disturbances: disturbances)
    }

    private static func disturbance(_ kind: ChaosDisturbanceKind, scope: ChaosScope,
                                    using random: inout SplitMix64) -> ChaosDisturbance {
        switch kind {
        case .killService:
            let service = scope.services[Int.random(in: 0..<scope.services.count, using: &random)]
            return .killService(service, restartAfter: milliseconds(100...3000, using: &random))
        case .restartBusServer:
            return .restartBusServer(member: Int.random(in: 0..<max(1, scope.busServers), using: &random),
                                     downtime: milliseconds(500...8000, using: &random))
        case .restartAPIServer:
            return .restartAPIServer(downtime: milliseconds(1000...10_000, using: &random))
        case .slowCSI:
            let methods: [String?] = [nil, "ControllerUnpublishVolume", "ValidateVolumeHostConnectivity"]
            return .slowCSI(family: scope.families[Int.random(in: 0..<scope.families.count, using: &random)],
                            method: methods[Int.random(in: 0..<methods.count, using: &random)],
                            delay: milliseconds(300...3000, using: &random), lasting: milliseconds(5000...20_000, using: &random))
        case .failingCSI:
            let methods = ["ControllerUnpublishVolume", "ValidateVolumeHostConnectivity", "NodeUnpublishVolume"]
            return .failingCSI(family: scope.families[Int.random(in: 0..<scope.families.count, using: &random)],
                               method: methods[Int.random(in: 0..<methods.count, using: &random)],
                               calls: Int.random(in: 1...4, using: &random))
        case .apiErrorBurst:
            return .apiErrorBurst(status: Bool.random(using: &random) ? 429 : 500, lasting: milliseconds(1000...8000, using: &random))
        }
    }

    private static func milliseconds(_ range: ClosedRange<Int>, using random: inout SplitMix64) -> Duration {
        .milliseconds(Int.random(in: range, using: &random))
    }

    private static func pick<Element>(_ elements: [Element], weights: [Int], using random: inout SplitMix64) -> Element {
        var ticket = Int.random(in: 0..<max(1, weights.reduce(0, +)), using: &random)
        for (element, weight) in zip(elements, weights) {
            if ticket < weight { return element }
            ticket -= weight
        }
        return elements[elements.count - 1]
    }
}
