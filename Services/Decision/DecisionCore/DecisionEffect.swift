public import Contracts

/// What the engine asks the service to do on the bus, in order.
public enum DecisionEffect: Sendable {
    /// Claim the pod uid (create its FenceRecord, or replace an ABORTED one by compare-and-set) and,
    /// only if the claim wins, queue the request and publish the record and alert.
    case claimAndRequest(record: Podguard_V1_FenceRecord, request: Podguard_V1_FenceRequest,
                         decision: Podguard_V1_DecisionRecord, alert: Podguard_V1_Alert)
    /// Publish a DecisionRecord (and an alert, if any) without claiming anything.
    case record(Podguard_V1_DecisionRecord, alert: Podguard_V1_Alert?)
    /// Ask fencing to add or remove a node taint.
    case taint(Podguard_V1_NodeTaintRequest, decision: Podguard_V1_DecisionRecord)
    /// Queue the work of a started remediation again (`WorkRequeue`): its record is in the bucket,
    /// REQUESTED and unclaimed, and its first FenceWork may never have reached the queue.
    case requeue(Podguard_V1_FenceWork)
    /// Publish an alert about podguard itself (the pause switch, an outage); its id is the same on
    /// every replica, so the alert stream keeps one.
    case alert(Podguard_V1_Alert)
}
