public import Contracts

extension Podguard_V1_DecisionInputs {
    /// Sets the node-taint triggers (`DecisionPolicy.trigger`) from a node's taints: the unreachable
    /// taint by effect, and a podguard or driver-offline taint with NoSchedule. Decision reads them
    /// from NodeState, fencing from the live node: one reading of a taint list for both.
    public mutating func noteNodeTaints(_ taints: [Podguard_V1_Taint], keys: TaintKeys) {
        for taint in taints {
            if taint.key == TaintKeys.unreachable {
                if taint.effect == .noSchedule { nodeUnreachableNoSchedule = true }
                if taint.effect == .noExecute { nodeUnreachableNoExecute = true }
            }
            if keys.isPodguard(taint.key) && taint.effect == .noSchedule { nodePodguardTainted = true }
            if keys.isDriverOffline(taint.key) && taint.effect == .noSchedule { nodeDriverOfflineTainted = true }
        }
    }
}
