import Foundation
import NodeCleanupCore
import NodeCleanupService
import Testing

@Suite("the node's cleanup cycle, as a pure state machine")
struct CleanupCycleStateMachineTests {
    typealias Machine = CleanupCycleStateMachine
    static let t0 = ContinuousClock.now
    static let timing = CleanupCycleTiming(stabilityWindow: .seconds(30), observationTimeout: .seconds(15),
                                           retryInitialDelay: .seconds(5), retryMaxDelay: .seconds(60))
    static let readySince = Date(timeIntervalSince1970: 1_000)

    static func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int64(seconds * 1000)) }

    static func node(tainted: Bool = true, ready: Bool = true, unreachable: Bool = false, boot: String = "boot-1",
                     transition: Date = readySince) -> NodeObservation {
        NodeObservation(name: "n1", uid: "uid-n1", bootID: boot,
                        podguardTaintKeys: tainted ? ["vxflexos.podmon.storage.dell.com"] : [], ready: ready,
                        unreachable: unreachable, readyTransitionTime: transition)
    }

    /// Observes `node` every `every` seconds from `from` to `to` (inclusive), ticking after each read;
    /// returns the non-`none` actions with their times.
    static func run(_ machine: inout Machine, _ node: NodeObservation, from: Double, to: Double, every: Double = 1)
        -> [(Double, Machine.Action)]
    {
        var actions: [(Double, Machine.Action)] = []
        var time = from
        while time <= to + 0.0001 {
            let observed = machine.observed(node, at: at(time))
            if observed != .none { actions.append((time, observed)) }
            let ticked = machine.tick(at: at(time))
            if ticked != .none { actions.append((time, ticked)) }
            time += every
        }
        return actions
    }

    @Test("an untainted node never gets an attempt")
    func untainted() {
        var machine = Machine(timing: Self.timing)
        #expect(Self.run(&machine, Self.node(tainted: false), from: 0, to: 120).isEmpty)
    }

    @Test("a tainted, stable node gets attempt 1 exactly when the window is over")
    func stableWindow() {
        var machine = Machine(timing: Self.timing)
        let actions = Self.run(&machine, Self.node(), from: 0, to: 40)
        #expect(actions.count == 1)
        #expect(actions.first?.0 == 30)
        #expect(actions.first?.1 == .startAttempt(attempt: 1, zombiesSeenAtBootID: nil))
        #expect(machine.isCleaning)
    }

    /// Each way the node can stop being stable restarts the window from the next stable read.
    @Test("anything unstable restarts the window", arguments: [
        ("not Ready", node(ready: false)),
        ("unreachable taint", node(unreachable: true)),
        ("Ready flapped in between (new transition time)", node(transition: readySince.addingTimeInterval(60))),
        ("rebooted (new boot id)", node(boot: "boot-2")),
    ])
    func instability(_ what: String, _ disturbance: NodeObservation) {
        var machine = Machine(timing: Self.timing)
        #expect(Self.run(&machine, Self.node(), from: 0, to: 20).isEmpty, "\(what)")
        _ = machine.observed(disturbance, at: Self.at(21))
        #expect(machine.tick(at: Self.at(21)) == .none)
        // Stable again from 22 (for the flap and reboot cases the disturbance itself is "stable",
        // so the window restarts at 21).
        let restart: Double = disturbance.isStableNow ? 21 : 22
        let stableAgain = disturbance.isStableNow ? disturbance : Self.node()
        let actions = Self.run(&machine, stableAgain, from: 22, to: 60)
        #expect(actions.first?.0 == restart + 30, "\(what): \(actions)")
    }

    @Test("a failed read, or no read for the observation timeout, restarts the window")
    func unreadable() {
        var machine = Machine(timing: Self.timing)
        _ = Self.run(&machine, Self.node(), from: 0, to: 20)
        _ = machine.observationFailed(at: Self.at(20.5))
        #expect(Self.run(&machine, Self.node(), from: 21, to: 50).isEmpty)
        #expect(machine.tick(at: Self.at(51)) == .startAttempt(attempt: 1, zombiesSeenAtBootID: nil))

        var silent = Machine(timing: Self.timing)
        _ = Self.run(&silent, Self.node(), from: 0, to: 10)
        // No read between 10 and 26: more than the 15 s timeout.
        #expect(silent.tick(at: Self.at(26)) == .none)
        #expect(silent.stableFor(at: Self.at(26)) == nil)
        let actions = Self.run(&silent, Self.node(), from: 26, to: 60)
        #expect(actions.first?.0 == 56)
    }

    @Test("heartbeat flapping: nothing happens until the node holds still")
    func flapping() {
        var machine = Machine(timing: Self.timing)
        var actions: [(Double, Machine.Action)] = []
        for second in stride(from: 0.0, through: 120, by: 10) {
            actions += Self.run(&machine, Self.node(), from: second, to: second + 8)
            actions += Self.run(&machine, Self.node(ready: false), from: second + 9, to: second + 9)
        }
        #expect(actions.isEmpty)
        #expect(Self.run(&machine, Self.node(), from: 130, to: 170).first?.0 == 160)
    }

    @Test("a removed taint ends the episode; the next taint starts a new one, attempts keep counting")
    func removed() {
        var machine = Machine(timing: Self.timing)
        _ = Self.run(&machine, Self.node(), from: 0, to: 30)
        #expect(machine.attemptFinished(.taintRemoved, at: Self.at(31)) == .none)
        // Our own removal arrives as an untainted node: not "external".
        #expect(Self.run(&machine, Self.node(tainted: false), from: 32, to: 40).isEmpty)
        let next = Self.run(&machine, Self.node(), from: 100, to: 140)
        #expect(next.map(\.1) == [.startAttempt(attempt: 2, zombiesSeenAtBootID: nil)])
    }

    @Test("the taint seen gone during the attempt, then removed by it: no alarm")
    func removedDuringAttempt() {
        var machine = Machine(timing: Self.timing)
        _ = Self.run(&machine, Self.node(), from: 0, to: 30)
        #expect(machine.observed(Self.node(tainted: false), at: Self.at(30.5)) == .none)
        #expect(machine.attemptFinished(.taintRemoved, at: Self.at(31)) == .none)
        #expect(!machine.isCleaning)
    }

    @Test("a taint removed by someone else is reported, whenever it happens")
    func external() {
        var waiting = Machine(timing: Self.timing)
        _ = Self.run(&waiting, Self.node(), from: 0, to: 10)
        #expect(waiting.observed(Self.node(tainted: false), at: Self.at(11)) == .taintRemovedExternally)

        var cleaning = Machine(timing: Self.timing)
        _ = Self.run(&cleaning, Self.node(), from: 0, to: 30)
        #expect(cleaning.observed(Self.node(tainted: false), at: Self.at(30.5)) == .none)
        #expect(cleaning.attemptFinished(.taintKept(zombiesSeenUnderBootID: nil), at: Self.at(31)) == .taintRemovedExternally)
        #expect(Self.run(&cleaning, Self.node(tainted: false), from: 32, to: 200).isEmpty)

        var backingOff = Machine(timing: Self.timing)
        _ = Self.run(&backingOff, Self.node(), from: 0, to: 30)
        _ = backingOff.attemptFinished(.taintKept(zombiesSeenUnderBootID: nil), at: Self.at(31))
        #expect(backingOff.observed(Self.node(tainted: false), at: Self.at(32)) == .taintRemovedExternally)
    }

    @Test("a kept taint is retried with a doubling, capped backoff while the node stays stable")
    func backoff() {
        var machine = Machine(timing: Self.timing)
        _ = Self.run(&machine, Self.node(), from: 0, to: 30)
        var starts: [Double] = [30]
        var time = 30.0
        for _ in 0..<6 {
            _ = machine.attemptFinished(.taintKept(zombiesSeenUnderBootID: nil), at: Self.at(time))
            let actions = Self.run(&machine, Self.node(), from: time + 1, to: time + 100)
            guard let start = actions.first?.0 else { break }
            starts.append(start)
            time = start
        }
        let gaps = zip(starts.dropFirst(), starts).map { $0 - $1 }
        #expect(gaps == [5, 10, 20, 40, 60, 60])
        #expect(machine.consecutiveFailures == 6)
        #expect(machine.attempt == 7)
    }

    @Test("instability during the backoff means a full window again after it")
    func backoffNeedsStability() {
        var machine = Machine(timing: Self.timing)
        _ = Self.run(&machine, Self.node(), from: 0, to: 30)
        _ = machine.attemptFinished(.taintKept(zombiesSeenUnderBootID: nil), at: Self.at(30))
        _ = machine.observed(Self.node(ready: false), at: Self.at(32))
        #expect(Self.run(&machine, Self.node(), from: 33, to: 62).isEmpty)
        #expect(machine.tick(at: Self.at(63)) == .startAttempt(attempt: 2, zombiesSeenAtBootID: nil))
    }

    @Test("zombies are remembered with their boot id for the episode, and forgotten when it ends")
    func zombieMemory() {
        var machine = Machine(timing: Self.timing)
        _ = Self.run(&machine, Self.node(), from: 0, to: 30)
        _ = machine.attemptFinished(.taintKept(zombiesSeenUnderBootID: "boot-1"), at: Self.at(30))
        let retry = Self.run(&machine, Self.node(), from: 31, to: 40)
        #expect(retry.map(\.1) == [.startAttempt(attempt: 2, zombiesSeenAtBootID: "boot-1")])
        // Zombies gone in attempt 2: the memory stays for the episode.
        _ = machine.attemptFinished(.taintKept(zombiesSeenUnderBootID: nil), at: Self.at(40))
        let third = Self.run(&machine, Self.node(), from: 41, to: 60)
        #expect(third.map(\.1) == [.startAttempt(attempt: 3, zombiesSeenAtBootID: "boot-1")])
        _ = machine.attemptFinished(.taintRemoved, at: Self.at(60))
        #expect(machine.zombiesSeenAtBootID == nil)
    }

    @Test("a restart continues the episode from the last report")
    func restored() {
        var machine = Machine(timing: Self.timing, restoredAttempt: 4, restoredZombieBootID: "boot-0")
        let actions = Self.run(&machine, Self.node(), from: 0, to: 30)
        #expect(actions.map(\.1) == [.startAttempt(attempt: 5, zombiesSeenAtBootID: "boot-0")])
    }

    @Test("a deleted node ends the episode; a late attempt result is ignored")
    func deleted() {
        var machine = Machine(timing: Self.timing)
        _ = Self.run(&machine, Self.node(), from: 0, to: 10)
        #expect(machine.nodeDeleted(at: Self.at(11)) == .none)
        #expect(machine.tick(at: Self.at(100)) == .none)
        #expect(machine.attemptFinished(.taintRemoved, at: Self.at(100)) == .none)

        var cleaning = Machine(timing: Self.timing)
        _ = Self.run(&cleaning, Self.node(), from: 0, to: 30)
        _ = cleaning.nodeDeleted(at: Self.at(31))
        #expect(cleaning.attemptFinished(.taintKept(zombiesSeenUnderBootID: nil), at: Self.at(32)) == .taintRemovedExternally)
        #expect(!cleaning.isCleaning)
    }

    @Test("no second attempt while one runs")
    func oneAtATime() {
        var machine = Machine(timing: Self.timing)
        let actions = Self.run(&machine, Self.node(), from: 0, to: 300)
        #expect(actions.count == 1)
    }

    @Test("retry delays", arguments: [(0, 5), (1, 5), (2, 10), (3, 20), (4, 40), (5, 60), (50, 60)])
    func retryDelays(_ failures: Int, _ seconds: Int64) {
        #expect(Self.timing.retryDelay(afterFailures: failures) == .seconds(seconds))
    }
}
