import NodeSimulator

/// What one schedule of the chaos run came to.
public struct ChaosRunResult: Sendable {
    public var schedule: ChaosSchedule
    /// Node faults and disturbances injected.
    public var faultsInjected: Int
    /// Protected pods podguard force-deleted (each a remediation).
    public var remediations: Int
    /// Safety invariants broken during the run (the auditor's words).
    public var violations: [String]
    /// Pods podguard had to move and did not, within the run's time.
    public var lost: [String]
    /// Pods remediated more than once.
    public var duplicates: [String]
    /// The cluster not back to clean (a taint left, a protected pod not Running), a service that
    /// exited by itself, or the run's own failure.
    public var problems: [String]
    /// From the node faults to each moved pod's force delete.
    public var evacuations: [Duration]
    /// From the node faults to each moved pod's replacement Running and Ready.
    public var recoveries: [Duration]
    /// Replacements that ran only once their failed node was back (a fenced volume re-attached by
    /// the attach/detach controller after an API server restart waits for the node).
    public var replacementsAfterReturn: Int
    /// From each node's return to the node Ready without podguard's taints.
    public var cleanups: [Duration]
    public var elapsed: Duration

    public init(schedule: ChaosSchedule) {
        self.schedule = schedule
        faultsInjected = 0
        remediations = 0
        violations = []
        lost = []
        duplicates = []
        problems = []
        evacuations = []
        recoveries = []
        replacementsAfterReturn = 0
        cleanups = []
        elapsed = .zero
    }

    public var failed: Bool { !violations.isEmpty || !lost.isEmpty || !duplicates.isEmpty || !problems.isEmpty }

    /// Each failure on a line of its own, for a report.
    public var failures: [String] {
        violations.map { "violation: \($0)" } + lost.map { "lost: \($0)" } + duplicates.map { "duplicate: \($0)" }
            + problems.map { "problem: \($0)" }
    }
}

/// The figures of many runs.
public struct ChaosTally: Sendable {
    public private(set) var runs: [ChaosRunResult] = []

    public init() {}

    public mutating func add(_ run: ChaosRunResult) { runs.append(run) }

    public var faultsInjected: Int { runs.reduce(0) { $0 + $1.faultsInjected } }
    public var remediations: Int { runs.reduce(0) { $0 + $1.remediations } }
    public var violations: Int { runs.reduce(0) { $0 + $1.violations.count } }
    public var lost: Int { runs.reduce(0) { $0 + $1.lost.count } }
    public var duplicates: Int { runs.reduce(0) { $0 + $1.duplicates.count } }
    public var problems: Int { runs.reduce(0) { $0 + $1.problems.count } }
    public var replacementsAfterReturn: Int { runs.reduce(0) { $0 + $1.replacementsAfterReturn } }
    public var failedRuns: [ChaosRunResult] { runs.filter(\.failed) }

    /// Disturbances injected, by kind.
    public var disturbances: [ChaosDisturbanceKind: Int] {
        var counts: [ChaosDisturbanceKind: Int] = [:]
        for run in runs { for timed in run.schedule.disturbances { counts[timed.disturbance.kind, default: 0] += 1 } }
        return counts
    }

    /// Node faults injected, by kind.
    public var nodeFaults: [String: Int] {
        var counts: [String: Int] = [:]
        for run in runs { for fault in run.schedule.nodeFaults { counts[fault.fault.rawValue, default: 0] += 1 } }
        return counts
    }

    public var evacuations: [Duration] { runs.flatMap(\.evacuations) }
    public var recoveries: [Duration] { runs.flatMap(\.recoveries) }
    public var cleanups: [Duration] { runs.flatMap(\.cleanups) }

    /// The `fraction` percentile (nearest rank) of `values`; nil when there are none.
    public static func percentile(_ fraction: Double, of values: [Duration]) -> Duration? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
