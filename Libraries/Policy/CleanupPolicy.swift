/// node-cleanup's rules (podmon's node mode, docs/policy.md), with podguard's stability window and boot-id option.
public enum CleanupPolicy {
    /// What node-cleanup found for one pod recorded as moved away from its node.
    public enum PodStatus: Sendable, Equatable {
        /// Every volume unpublished and unstaged, private mounts removed.
        case cleaned
        /// Kubernetes still runs (or will run) this pod on this node (same node, Pending/Running): not
        /// ours to clean, and it does not block the taint (podmon PR #292).
        case ignoredStillScheduledHere
        /// Volumeless and ignoreVolumelessPods.
        case ignoredVolumeless
        /// A container of the pod still runs on the node (a zombie): skipped.
        case skippedContainerRunning(String)
        /// A pod with the same name and uid still exists: podguard did not move it.
        case skippedStillPresent
        /// The container runtime could not be asked: a container of the pod may still run, so its
        /// volumes are left alone (safety first; podmon would go on).
        case skippedContainersUnknown(String)
        /// Its FenceRecord is not terminal: cleaning now would race fencing.
        case skippedFenceInProgress
        /// A fence agent powered the node off in this very boot (`bootID`): it never went down.
        case skippedAwaitingReboot(bootID: String)
        case failed(String)
    }

    public enum TaintVerdict: Sendable, Equatable {
        case remove
        case keep(reasons: [String])
    }

    /// The taint goes only when nothing was skipped and nothing failed; with `requireBootIDChange`,
    /// a node on which zombies were seen must also have rebooted (a new boot id) first.
    public static func taintVerdict(_ statuses: [(pod: String, status: PodStatus)], zombiesSeenSinceTaint: Bool,
                                    bootIDChanged: Bool, requireBootIDChange: Bool) -> TaintVerdict {
        var reasons: [String] = []
        for (pod, status) in statuses {
            switch status {
            case .cleaned, .ignoredStillScheduledHere, .ignoredVolumeless:
                continue
            case .skippedContainerRunning(let container):
                reasons.append("\(pod): container \(container) still running")
            case .skippedStillPresent:
                reasons.append("\(pod): still present with the same uid")
            case .skippedContainersUnknown(let why):
                reasons.append("\(pod): containers unknown (\(why))")
            case .skippedFenceInProgress:
                reasons.append("\(pod): fencing still in progress")
            case .skippedAwaitingReboot(let bootID):
                reasons.append("\(pod): its node was powered off by the fence agent in boot \(bootID) and is back without a new boot")
            case .failed(let error):
                reasons.append("\(pod): cleanup failed: \(error)")
            }
        }
        if reasons.isEmpty && requireBootIDChange && zombiesSeenSinceTaint && !bootIDChanged {
            reasons.append("zombie containers were seen and the node has not rebooted (boot id unchanged)")
        }
        return reasons.isEmpty ? .remove : .keep(reasons: reasons)
    }

    /// Cleanup starts once the node has been observed stable (API reachable, taint present) for the
    /// whole window; podmon's equivalent is 4 consecutive 30 s polls (90–120 s).
    public static func stableLongEnough(taintedAndReachableFor observed: Duration, window: Duration) -> Bool {
        observed >= window
    }
}
