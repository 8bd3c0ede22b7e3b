import Contracts

/// Applies `StormLimits` to the cluster-wide counts recorded in the decision inputs.
///
/// The decision service fills `fencesInProgress` with fences started and not finished, and
/// `nodesFenced` with the nodes that have such fences *including the pod's own node*, i.e. the
/// count as it would be if this pod were fenced.
public enum StormGuard {
    /// A description of the limit that would be exceeded by one more fence, or nil.
    public static func limitReached(_ inputs: Podguard_V1_DecisionInputs, _ limits: StormLimits) -> String? {
        if let maxFences = limits.maxConcurrentFences, Int(inputs.fencesInProgress) >= maxFences {
            return "\(inputs.fencesInProgress) fences are in progress (limit \(maxFences))"
        }
        if let share = limits.maxFencedNodeShare, inputs.nodesTotal > 0 {
            // One node may always be fenced: a small cluster must survive a single node failure.
            let allowed = max(1, Int((Double(inputs.nodesTotal) * share).rounded(.down)))
            if Int(inputs.nodesFenced) > allowed {
                return "\(inputs.nodesFenced) of \(inputs.nodesTotal) nodes would be fenced (limit \(Int(share * 100)) %)"
            }
        }
        return nil
    }

    /// The same share limit for a podguard taint: `nodesUnderRemediation` counts the nodes with
    /// fences in progress or a podguard taint, this one included. A taint evacuates a node as surely
    /// as a fence does, so taints count against the limit.
    public static func taintLimitReached(nodesUnderRemediation: Int, nodesTotal: Int, _ limits: StormLimits) -> String? {
        guard let share = limits.maxFencedNodeShare, nodesTotal > 0 else { return nil }
        let allowed = max(1, Int((Double(nodesTotal) * share).rounded(.down)))
        guard nodesUnderRemediation > allowed else { return nil }
        return "\(nodesUnderRemediation) of \(nodesTotal) nodes would be tainted or fenced (limit \(Int(share * 100)) %)"
    }
}
