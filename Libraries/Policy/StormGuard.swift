import Contracts

/// Applies `StormLimits` to the cluster-wide counts recorded in the decision inputs.
///
/// The decision service fills `fencesInProgress` with fences started and not finished, and
/// `nodesFenced` with the nodes that have such fences *including the pod's own node*, i.e. the
/// count as it would be if this pod were fenced.
enum StormGuard {
    /// A description of the limit that would be exceeded by one more fence, or nil.
    static func limitReached(_ inputs: Podguard_V1_DecisionInputs, _ limits: StormLimits) -> String? {
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
}
