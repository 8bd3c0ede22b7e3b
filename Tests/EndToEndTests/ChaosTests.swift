import ArrayFamily
import NodeSimulator
import PodguardStack
import Testing

extension EndToEndTests {
    /// The seed of the short chaos run in `make test`; `make chaos` runs a hundred and more.
    static let chaosSeed: UInt64 = 440

    /// (ah) The chaos run of `make chaos` (docs/chaos.md), short and seeded: three randomized
    /// schedules on the five-family stack, each failing the nodes of the next third of the cluster
    /// (cut off, rebooting, a zombie or a driver pod down) while services are SIGKILLed,
    /// nats-server restarts, the API server answers 500 or 429 (through the fault proxy), or a CSI
    /// driver turns slow or failing. Each run: no safety
    /// invariant broken, every pod that had to move moved exactly once, and the cluster back to
    /// clean (no taint left, every protected pod Running and Ready, no service exited by itself).
    @Test func shortSeededChaosBreaksNothing() async throws {
        let stack = try await Self.mainStack()
        try await stack.scenario("chaos, seed \(Self.chaosSeed), 3 runs") {
            let chaos = try await stack.deployChaosWorkloads(perNode: 1)
            let scope = stack.chaosScope(disturbances: Set(ChaosDisturbanceKind.allCases), perRun: 1...2)
            let schedules = (0..<3).map { ChaosSchedule.make(seed: Self.chaosSeed, run: $0, scope: scope) }
            // The seed is chosen so that every run moves pods, one node sits a fault out, and the
            // disturbances are of every kind but an API server restart: after one, a replacement
            // may wait for its node's return (a minute and a half here); scenario (r) and
            // `make chaos` have those.
            let kinds = Set(schedules.flatMap { $0.disturbances.map(\.disturbance.kind) })
            try require(schedules.allSatisfy { $0.nodeFaults.contains(where: \.movesPods) } && kinds.count >= 5,
                        "seed \(Self.chaosSeed) no longer covers the kinds: \(schedules)")
            var tally = ChaosTally()
            for schedule in schedules {
                print("[e2e] chaos: \(schedule)")
                let result = await stack.run(schedule, on: chaos, timeout: .seconds(180))
                print("[e2e] chaos: run \(schedule.run): \(result.remediations) remediated in \(result.elapsed)")
                tally.add(result)
            }
            let failures = tally.failedRuns.map { "\($0.schedule)\n  " + $0.failures.joined(separator: "\n  ") }
            try require(failures.isEmpty, "chaos runs failed:\n\(failures.joined(separator: "\n"))")
            try require(tally.remediations > 0, "no remediation in \(tally.runs.count) runs")
        }
    }
}

/// The schedules of the chaos run: a pure function of seed, run and stack.
@Suite struct ChaosScheduleTests {
    let scope = ChaosScope(nodes: (1...6).map { "n-\($0)" }, services: [ServiceID(.decision, "decision-1"), ServiceID(.fencing, "fencing-1")],
                           families: [.powerstore, .unity], busServers: 3)

    @Test func aThirdOfTheNodesFailsInTurn() {
        #expect(scope.group(of: 0) == ["n-1", "n-2"])
        #expect(scope.group(of: 1) == ["n-3", "n-4"])
        #expect(scope.group(of: 2) == ["n-5", "n-6"])
        #expect(scope.group(of: 3) == scope.group(of: 0))
        let four = ChaosScope(nodes: ["a", "b", "c", "d"], services: [], families: [], busServers: 1)
        #expect((0..<3).flatMap { four.group(of: $0) }.sorted() == ["a", "b", "c", "d"])
        #expect((0..<3).allSatisfy { !four.group(of: $0).isEmpty })
    }

    @Test func theSameSeedAndRunMakeTheSameSchedule() {
        for run in 0..<50 {
            #expect(ChaosSchedule.make(seed: 7, run: run, scope: scope) == ChaosSchedule.make(seed: 7, run: run, scope: scope))
        }
        let first = (0..<20).map { ChaosSchedule.make(seed: 7, run: $0, scope: scope) }
        let other = (0..<20).map { ChaosSchedule.make(seed: 8, run: $0, scope: scope) }
        #expect(first != other)
    }

    @Test func schedulesStayInsideTheirScope() {
        var kinds: Set<ChaosDisturbanceKind> = []
        var faults: Set<NodeFault> = []
        for run in 0..<300 {
            let schedule = ChaosSchedule.make(seed: 3, run: run, scope: scope)
            #expect(schedule.nodeFaults.map(\.node) == scope.group(of: run))
            #expect(scope.disturbancesPerRun.contains(schedule.disturbances.count))
            #expect(schedule.disturbances.allSatisfy { $0.offset >= .zero && $0.offset <= scope.window })
            #expect(schedule.disturbances.map(\.offset) == schedule.disturbances.map(\.offset).sorted())
            for timed in schedule.disturbances {
                switch timed.disturbance {
                case .killService(let id, let after): #expect(scope.services.contains(id) && after > .zero)
                case .restartBusServer(let member, _): #expect((0..<scope.busServers).contains(member))
                case .slowCSI(let family, _, _, _), .failingCSI(let family, _, _): #expect(scope.families.contains(family))
                case .apiErrorBurst(let status, _): #expect(status == 429 || status == 500)
                case .restartAPIServer: break
                }
                kinds.insert(timed.disturbance.kind)
            }
            faults.formUnion(schedule.nodeFaults.map(\.fault))
        }
        #expect(kinds == Set(ChaosDisturbanceKind.allCases))
        #expect(faults == Set(NodeFault.allCases))
    }

    @Test func onlyTheChosenKindsAreInjected() {
        var narrow = scope
        narrow.disturbances = [.killService]
        narrow.nodeFaults = [.interfaceDown]
        for run in 0..<100 {
            let schedule = ChaosSchedule.make(seed: 11, run: run, scope: narrow)
            #expect(schedule.disturbances.allSatisfy { $0.disturbance.kind == .killService })
            #expect(schedule.nodeFaults.allSatisfy { $0.fault == .interfaceDown && $0.movesPods })
        }
        narrow.disturbances = []
        #expect(ChaosSchedule.make(seed: 11, run: 0, scope: narrow).disturbances.isEmpty)
    }

    @Test func percentilesAreNearestRank() {
        let values: [Duration] = (1...100).map { .seconds($0) }
        #expect(ChaosTally.percentile(0.5, of: values) == .seconds(50))
        #expect(ChaosTally.percentile(0.99, of: values) == .seconds(99))
        #expect(ChaosTally.percentile(0.99, of: [.seconds(3)]) == .seconds(3))
        #expect(ChaosTally.percentile(0.5, of: []) == nil)
    }
}
