import Contracts

/// The per-pod failover rules, as podmon's controller applies them (docs/policy.md),
/// plus podguard's own: dry-run, storm limits, already-in-progress.
///
/// A pod counts as not Ready by its own condition or, with `NotReadyEvidence.nodeSilence` (the
/// default), because its node is silent; such a fence needs the array's proof.
///
/// Triggers: the node carries `node.kubernetes.io/unreachable` (NoSchedule or NoExecute), the
/// podguard taint or the driver-offline taint, or array connectivity was declared lost. A trigger
/// only acts on a pod that is **not Ready**; a Ready pod is never touched, whatever the node shows.
/// Without a trigger, a not-Ready pod in CrashLoopBackOff gets a normal delete, at most
/// `maxCrashLoopDeletes` times. `node.kubernetes.io/not-ready` is deliberately not a trigger.
public enum DecisionPolicy {
    /// Decides for one pod from the inputs recorded in its DecisionRecord.
    /// - Parameter fenceInProgress: a FenceRecord for this pod uid exists and is not finished.
    public static func decide(_ inputs: Podguard_V1_DecisionInputs, configuration: PolicyConfiguration,
                              fenceInProgress: Bool) -> PodDecision {
        let provable = !inputs.families.contains { configuration.familiesWithoutArrayProof.contains($0) }
        let readyOverride = provable ? configuration.notReadyEvidence.overridesReady(inputs) : nil
        if inputs.podReady == .true && readyOverride == nil {
            return PodDecision(rule: .none, outcome: .noAction,
                               explanation: "pod is Ready: a Ready pod is never touched, whatever its node shows")
        }
        if configuration.ignoreVolumelessPods && inputs.volumeCount == 0 {
            return PodDecision(rule: .none, outcome: .noAction,
                               explanation: "pod has no bound volumes and ignoreVolumelessPods is set")
        }
        if let (rule, reason, why) = trigger(inputs) {
            var decision = fenceDecision(rule: rule, reason: reason, why: why, notReady: readyOverride,
                                         inputs: inputs, configuration: configuration, fenceInProgress: fenceInProgress)
            decision.arrayProofRequired = readyOverride != nil
            return decision
        }
        if inputs.crashLoopBackOff {
            let done = Int(inputs.crashLoopDeletesSoFar)
            guard done < configuration.maxCrashLoopDeletes else {
                return PodDecision(rule: .crashLoopBackOff, outcome: .noAction,
                                   explanation: "pod is in CrashLoopBackOff but was already deleted \(done) times (limit \(configuration.maxCrashLoopDeletes))")
            }
            if configuration.dryRun {
                return PodDecision(rule: .crashLoopBackOff, outcome: .withheldDryRun,
                                   explanation: "dry run: would delete the CrashLoopBackOff pod (retry \(done))")
            }
            return PodDecision(rule: .crashLoopBackOff, outcome: .deleteRequested,
                               explanation: "pod is not Ready and in CrashLoopBackOff: normal delete, retry \(done) of \(configuration.maxCrashLoopDeletes)")
        }
        return PodDecision(rule: .none, outcome: .noAction, explanation: noTriggerExplanation(inputs))
    }

    /// The first trigger that holds, in podmon's order of evaluation.
    public static func trigger(_ inputs: Podguard_V1_DecisionInputs) -> (PodDecision.Rule, Podguard_V1_FenceReason, String)? {
        if inputs.nodeUnreachableNoExecute || inputs.nodeUnreachableNoSchedule {
            let effect = inputs.nodeUnreachableNoExecute ? "NoExecute" : "NoSchedule"
            return (.nodeUnreachableTaint, .nodeFailure, "node carries node.kubernetes.io/unreachable:\(effect)")
        }
        if inputs.nodePodguardTainted {
            return (.podguardTaint, .nodeFailure, "node carries the podguard taint")
        }
        if inputs.nodeDriverOfflineTainted {
            return (.driverOfflineTaint, .driverPodOffline, "node carries the driver-offline taint (CSI node pod down)")
        }
        if inputs.connectivity == .lost {
            return (.arrayConnectivityLoss, .arrayConnectivityLoss, "array connectivity of the node was declared lost")
        }
        return nil
    }

    private static func fenceDecision(rule: PodDecision.Rule, reason: Podguard_V1_FenceReason, why: String, notReady override: String?,
                                      inputs: Podguard_V1_DecisionInputs, configuration: PolicyConfiguration,
                                      fenceInProgress: Bool) -> PodDecision {
        let notReady = override ?? (inputs.podReady == .false ? "pod is not Ready" : "pod readiness is unknown")
        if fenceInProgress {
            return PodDecision(rule: rule, outcome: .alreadyInProgress, fenceReason: reason,
                               explanation: "\(why) and \(notReady), but a fence for this pod is already in progress")
        }
        if configuration.dryRun {
            return PodDecision(rule: rule, outcome: .withheldDryRun, fenceReason: reason,
                               explanation: "dry run: \(why) and \(notReady); would fence and force-delete")
        }
        if let limit = StormGuard.limitReached(inputs, configuration.storm) {
            return PodDecision(rule: rule, outcome: .withheldStormLimit, fenceReason: reason,
                               explanation: "\(why) and \(notReady), but \(limit); waiting")
        }
        return PodDecision(rule: rule, outcome: .fenceRequested, fenceReason: reason,
                           explanation: "\(why) and \(notReady): fence its volumes and force-delete it")
    }

    private static func noTriggerExplanation(_ inputs: Podguard_V1_DecisionInputs) -> String {
        let readiness = inputs.podReady == .false ? "pod is not Ready" : "pod readiness is unknown"
        let connectivity: String
        switch inputs.connectivity {
        case .connected: connectivity = "arrays report the node connected"
        case .lost: connectivity = "array connectivity lost"
        default: connectivity = "array connectivity unknown"
        }
        return "\(readiness), but the node has no unreachable, podguard or driver-offline taint and \(connectivity): podguard never force-deletes without one of those triggers"
    }
}
