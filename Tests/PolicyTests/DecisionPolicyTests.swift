import Contracts
import Policy
import Testing

@Suite("decision policy")
struct DecisionPolicyTests {
    static func inputs(ready: Podguard_V1_ConditionStatus = .false, noSchedule: Bool = false, noExecute: Bool = false,
                       podguard: Bool = false, offline: Bool = false,
                       connectivity: Podguard_V1_ConnectivityVerdict = .connected, crashLoop: Bool = false,
                       deletes: UInt32 = 0, volumes: UInt32 = 1) -> Podguard_V1_DecisionInputs {
        var inputs = Podguard_V1_DecisionInputs()
        inputs.podReady = ready
        inputs.nodeUnreachableNoSchedule = noSchedule
        inputs.nodeUnreachableNoExecute = noExecute
        inputs.nodePodguardTainted = podguard
        inputs.nodeDriverOfflineTainted = offline
        inputs.connectivity = connectivity
        inputs.crashLoopBackOff = crashLoop
        inputs.crashLoopDeletesSoFar = deletes
        inputs.volumeCount = volumes
        inputs.nodesTotal = 9
        inputs.nodesFenced = 1
        return inputs
    }

    static let config = PolicyConfiguration()

    @Test("podmon's triggers, in podmon's order, each with its rule and fence reason", arguments: [
        (inputs(noSchedule: true), PodDecision.Rule.nodeUnreachableTaint, Podguard_V1_FenceReason.nodeFailure),
        (inputs(noExecute: true), .nodeUnreachableTaint, .nodeFailure),
        (inputs(podguard: true), .podguardTaint, .nodeFailure),
        (inputs(offline: true), .driverOfflineTaint, .driverPodOffline),
        (inputs(connectivity: .lost), .arrayConnectivityLoss, .arrayConnectivityLoss),
        (inputs(noSchedule: true, podguard: true, offline: true, connectivity: .lost), .nodeUnreachableTaint, .nodeFailure),
        (inputs(podguard: true, offline: true), .podguardTaint, .nodeFailure),
        (inputs(ready: .unknown, noSchedule: true), .nodeUnreachableTaint, .nodeFailure),
    ])
    func triggers(inputs: Podguard_V1_DecisionInputs, rule: PodDecision.Rule, reason: Podguard_V1_FenceReason) {
        let decision = DecisionPolicy.decide(inputs, configuration: Self.config, fenceInProgress: false)
        #expect(decision.rule == rule)
        #expect(decision.outcome == .fenceRequested)
        #expect(decision.fenceReason == reason)
    }

    @Test("refusals: Ready pods, no trigger, not-ready alone, volumeless when ignored")
    func refusals() {
        let ready = DecisionPolicy.decide(Self.inputs(ready: .true, noExecute: true, podguard: true, connectivity: .lost),
                                          configuration: Self.config, fenceInProgress: false)
        #expect(ready.outcome == .noAction)
        #expect(ready.rule == .none)
        #expect(ready.explanation.contains("Ready"))

        let notReadyOnly = DecisionPolicy.decide(Self.inputs(), configuration: Self.config, fenceInProgress: false)
        #expect(notReadyOnly.outcome == .noAction)
        #expect(notReadyOnly.explanation.contains("never force-deletes"))

        var ignoring = Self.config
        ignoring.ignoreVolumelessPods = true
        let volumeless = DecisionPolicy.decide(Self.inputs(noSchedule: true, volumes: 0), configuration: ignoring, fenceInProgress: false)
        #expect(volumeless.outcome == .noAction)
        let volumelessNotIgnored = DecisionPolicy.decide(Self.inputs(noSchedule: true, volumes: 0), configuration: Self.config, fenceInProgress: false)
        #expect(volumelessNotIgnored.outcome == .fenceRequested)
    }

    @Test("CrashLoopBackOff: normal delete at most five times, only without a trigger")
    func crashLoop() {
        for deletes in UInt32(0)..<5 {
            let decision = DecisionPolicy.decide(Self.inputs(crashLoop: true, deletes: deletes), configuration: Self.config, fenceInProgress: false)
            #expect(decision.outcome == .deleteRequested)
            #expect(decision.rule == .crashLoopBackOff)
        }
        let exhausted = DecisionPolicy.decide(Self.inputs(crashLoop: true, deletes: 5), configuration: Self.config, fenceInProgress: false)
        #expect(exhausted.outcome == .noAction)
        let readyCrashing = DecisionPolicy.decide(Self.inputs(ready: .true, crashLoop: true), configuration: Self.config, fenceInProgress: false)
        #expect(readyCrashing.outcome == .noAction)
        let tainted = DecisionPolicy.decide(Self.inputs(noSchedule: true, crashLoop: true), configuration: Self.config, fenceInProgress: false)
        #expect(tainted.outcome == .fenceRequested)
    }

    @Test("dry run, already in progress and storm limits withhold the action but keep the rule")
    func withheld() {
        var dry = Self.config
        dry.dryRun = true
        #expect(DecisionPolicy.decide(Self.inputs(noExecute: true), configuration: dry, fenceInProgress: false).outcome == .withheldDryRun)
        #expect(DecisionPolicy.decide(Self.inputs(crashLoop: true), configuration: dry, fenceInProgress: false).outcome == .withheldDryRun)
        #expect(DecisionPolicy.decide(Self.inputs(noExecute: true), configuration: Self.config, fenceInProgress: true).outcome == .alreadyInProgress)

        var busy = Self.inputs(noExecute: true)
        busy.fencesInProgress = 200
        let stormFences = DecisionPolicy.decide(busy, configuration: Self.config, fenceInProgress: false)
        #expect(stormFences.outcome == .withheldStormLimit)
        #expect(stormFences.rule == .nodeUnreachableTaint)

        var wide = Self.inputs(noExecute: true)
        wide.nodesFenced = 5    // of 9, limit 50 % = 4 nodes
        #expect(DecisionPolicy.decide(wide, configuration: Self.config, fenceInProgress: false).outcome == .withheldStormLimit)
        wide.nodesFenced = 4
        #expect(DecisionPolicy.decide(wide, configuration: Self.config, fenceInProgress: false).outcome == .fenceRequested)
        var small = Self.inputs(noExecute: true)
        small.nodesTotal = 1
        small.nodesFenced = 1
        #expect(DecisionPolicy.decide(small, configuration: Self.config, fenceInProgress: false).outcome == .fenceRequested)
        small.nodesTotal = 3
        small.nodesFenced = 2
        #expect(DecisionPolicy.decide(small, configuration: Self.config, fenceInProgress: false).outcome == .withheldStormLimit)
        var unlimited = Self.config
        unlimited.storm = StormLimits(maxConcurrentFences: nil, maxFencedNodeShare: nil)
        wide.nodesFenced = 9
        wide.fencesInProgress = 10_000
        #expect(DecisionPolicy.decide(wide, configuration: unlimited, fenceInProgress: false).outcome == .fenceRequested)
    }

    /// Every combination of the inputs that matter, checked against the safety rules.
    @Test("exhaustive: the safety rules hold for every combination of inputs")
    func exhaustive() {
        let readiness: [Podguard_V1_ConditionStatus] = [.true, .false, .unknown]
        let connectivities: [Podguard_V1_ConnectivityVerdict] = [.connected, .lost, .unknown]
        var evaluated = 0
        for ready in readiness {
            for noSchedule in [false, true] { for noExecute in [false, true] { for podguard in [false, true] {
            for offline in [false, true] { for connectivity in connectivities { for crashLoop in [false, true] {
            for deletes in [UInt32(0), 4, 5] { for volumes in [UInt32(0), 2] {
            for ignoreVolumeless in [false, true] { for dryRun in [false, true] { for inProgress in [false, true] {
                let inputs = Self.inputs(ready: ready, noSchedule: noSchedule, noExecute: noExecute, podguard: podguard,
                                         offline: offline, connectivity: connectivity, crashLoop: crashLoop,
                                         deletes: deletes, volumes: volumes)
                var configuration = Self.config
                configuration.ignoreVolumelessPods = ignoreVolumeless
                configuration.dryRun = dryRun
                let decision = DecisionPolicy.decide(inputs, configuration: configuration, fenceInProgress: inProgress)
                let trigger = noSchedule || noExecute || podguard || offline || connectivity == .lost
                let ignored = ignoreVolumeless && volumes == 0
                evaluated += 1

                if ready == .true || ignored { #expect(decision.outcome == .noAction) }
                if dryRun { #expect(!decision.requestsAction) }
                if decision.outcome == .fenceRequested {
                    #expect(trigger && ready != .true && !ignored && !dryRun && !inProgress)
                }
                if trigger && ready != .true && !ignored && !dryRun && !inProgress {
                    #expect(decision.outcome == .fenceRequested)
                }
                if decision.outcome == .deleteRequested {
                    #expect(crashLoop && !trigger && deletes < 5 && ready != .true && !dryRun)
                }
                if decision.outcome == .taintRequested { Issue.record("pod decisions never request taints") }
                #expect(!decision.explanation.isEmpty)
            } } } } } } } } } } } }
        #expect(evaluated == 3 * 2 * 2 * 2 * 2 * 3 * 2 * 3 * 2 * 2 * 2 * 2)
    }
}
