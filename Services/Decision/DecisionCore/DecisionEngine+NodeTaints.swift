import Contracts
import Foundation
import Policy
import SwiftProtobuf

extension DecisionEngine {
    // MARK: Nodes

    mutating func nodeTaintEffects(node name: String, now: Date) -> [DecisionEffect] {
        guard let node = mirror.nodes[name] else { return [] }
        let present = Set(node.taints.filter { $0.effect == .noSchedule }.map(\.key))
        var effects: [DecisionEffect] = []
        // Requests whose effect is now visible are done.
        pendingTaints = pendingTaints.filter { change, _ in
            guard change.node == name else { return true }
            return change.adds ? !present.contains(change.key) : present.contains(change.key)
        }

        for driverPod in node.driverPods {
            guard let key = taintKeys.driverOffline[driverPod.driver] else { continue }
            let ready: Bool? = driverPod.ready == .true ? true : (driverPod.ready == .false ? false : nil)
            let reported = node.ready == .true && (ready != false || !driverPod.readyReason.isEmpty)
            let action = NodeTaintPolicy.driverOffline(driverPodReady: ready, reportedByKubelet: reported,
                                                       hasOfflineTaint: present.contains(key), taintKey: key)
            // A driver outage is no node's own fault: no offline taint while it lasts (removal is fine).
            if case .add = action, driverOutages[driverPod.driver] != nil { continue }
            effects += taintEffect(action, node: node, reason: .driverPodOffline,
                                   why: "CSI driver node pod \(driverPod.namespace)/\(driverPod.name) is \(ready == true ? "Ready" : "not Ready")",
                                   now: now)
        }

        let protectedPods = mirror.podKeys(onNode: name).compactMap { mirror.pods[$0] }
        for sample in currentConnectivity(ofNode: name, at: now) where sample.verdict == .lost && (sample.nodeUid.isEmpty || sample.nodeUid == node.uid) {
            // An outage of the array is no node's own fault: no taint while it lasts.
            guard arrayOutages[sample.family] == nil else { continue }
            let drivers = Set(protectedPods.flatMap { $0.volumes.filter { $0.family == sample.family }.map(\.driver) })
            for driver in drivers.sorted() {
                guard let key = taintKeys.podguard[driver] else { continue }
                var action = NodeTaintPolicy.connectivityLoss(lost: true, hasProtectedPods: true,
                                                              hasPodguardTaint: present.contains(key), taintKey: key)
                if case .add = action, !podguardTaintedNodes.contains(name),
                   let limit = StormGuard.taintLimitReached(nodesUnderRemediation: nodesUnderRemediation(adding: name),
                                                            nodesTotal: mirror.nodes.count, configuration.storm) {
                    effects += withheldTaint(node: node, key: key, why: "array connectivity of \(name) was declared lost, but \(limit); waiting", now: now)
                    action = .none
                } else {
                    withheldTaints.remove(Withheld(change: TaintChange(node: name, key: key, adds: true), byStormLimit: true))
                }
                effects += taintEffect(action, node: node, reason: .arrayConnectivityLoss,
                                       why: "array connectivity of \(name) to \(PodguardSubjects.token(sample.family)) arrays was declared lost",
                                       now: now)
            }
        }
        return effects
    }

    mutating func taintEffect(_ action: NodeTaintPolicy.Action, node: Podguard_V1_NodeState,
                                      reason: Podguard_V1_FenceReason, why: String, now: Date) -> [DecisionEffect] {
        let (key, verb, contractAction): (String, String, Podguard_V1_NodeTaintRequest.Action)
        switch action {
        case .none: return []
        case .add(let taintKey): (key, verb, contractAction) = (taintKey, "add", .add)
        case .remove(let taintKey): (key, verb, contractAction) = (taintKey, "remove", .remove)
        }
        let pendingKey = TaintChange(node: node.name, key: key, adds: contractAction == .add)
        guard pendingTaints[pendingKey] == nil else { return [] }
        pendingTaints[pendingKey] = node.resourceVersion
        let decisionID = makeID()
        var decisionRecord = messages.nodeDecisionRecord(
            id: decisionID, node: node, rule: reason == .driverPodOffline ? .driverPodDown : .arrayConnectivityLoss,
            outcome: configuration.dryRun ? .withheldDryRun : .taintRequested, explanation: "\(why): \(verb) taint \(key):NoSchedule", now: now)
        decisionRecord.dryRun = configuration.dryRun
        if let pause = pause(at: now) {
            // Nothing is requested; once the pause is over the next evaluation asks again.
            pendingTaints[pendingKey] = nil
            decisionRecord.outcome = .withheldPaused
            decisionRecord.explanation = "podguard is \(pause.summary); would \(verb) taint \(key):NoSchedule: \(why)"
            guard withheldTaints.insert(Withheld(change: pendingKey, byStormLimit: false)).inserted else { return [] }
            return [.record(decisionRecord, alert: nil)]
        }
        withheldTaints.remove(Withheld(change: pendingKey, byStormLimit: false))
        let request = messages.taintRequest(id: makeID(), decisionID: decisionID, node: node, key: key, action: contractAction,
                                            reason: reason, message: decisionRecord.explanation, dryRun: configuration.dryRun, now: now)
        decisionRecord.taintRequestID = request.requestID
        return [.taint(request, decision: decisionRecord)]
    }
}
