import Contracts
import Foundation
import Policy
import SwiftProtobuf

extension DecisionEngine {
    // MARK: Outages

    /// Nodes with fences in progress, a podguard taint, or a podguard taint requested and not yet
    /// visible, with `node` added.
    func nodesUnderRemediation(adding node: String) -> Int {
        var nodes = fenceCounts().nodes
        for change in pendingTaints.keys where change.adds && taintKeys.isPodguard(change.key) { nodes.insert(change.node) }
        nodes.insert(node)
        return nodes.count
    }

    /// A withheld taint request, recorded once until it is requested after all.
    mutating func withheldTaint(node: Podguard_V1_NodeState, key: String, why: String, now: Date) -> [DecisionEffect] {
        guard withheldTaints.insert(Withheld(change: TaintChange(node: node.name, key: key, adds: true), byStormLimit: true)).inserted else { return [] }
        let decisionID = makeID()
        let record = messages.nodeDecisionRecord(id: decisionID, node: node, rule: .arrayConnectivityLoss, outcome: .withheldStormLimit,
                                                 explanation: "\(why): add taint \(key):NoSchedule", now: now)
        let alert = messages.alert(id: makeID(), severity: .warning, reason: "StormLimitReached", summary: record.explanation,
                                   pod: nil, node: node.name, decisionID: decisionID, now: now)
        return [.record(record, alert: alert)]
    }

    /// Why a fence of `pod` must wait for an outage to end, or nil.
    func openOutage(affecting pod: Podguard_V1_PodState) -> String? {
        for volume in pod.volumes {
            if let outage = arrayOutages[volume.family] {
                return "the \(PodguardSubjects.token(volume.family)) arrays are in an outage (lost from \(outage.nodes.count) nodes whose kubelets are Ready)"
            }
            if let outage = driverOutages[volume.driver] {
                return "the CSI driver \(volume.driver) is in an outage (its node pods down on \(outage.nodes.count) Ready nodes)"
            }
        }
        return nil
    }

    /// Opens and closes the breakers (`OutageBreaker`) from the mirror: per array family, the Ready
    /// nodes whose current verdict is LOST among the nodes that use the family; per CSI driver, the
    /// Ready nodes whose driver pod is not Ready among the nodes that run one.
    mutating func updateOutages(now: Date) -> [DecisionEffect] {
        var affected: [Podguard_V1_ArrayFamily: [OutageBreaker.AffectedNode]] = [:]
        var probed: [Podguard_V1_ArrayFamily: Set<String>] = [:]
        for verdict in mirror.currentConnectivity(at: now) {
            probed[verdict.family, default: []].insert(verdict.nodeName)
            guard verdict.verdict == .lost, let node = mirror.nodes[verdict.nodeName], node.ready == .true,
                  verdict.nodeUid.isEmpty || verdict.nodeUid == node.uid else { continue }
            let since = verdict.hasLostSince ? verdict.lostSince.date : verdict.header.producedAt.date
            affected[verdict.family, default: []].append(.init(name: verdict.nodeName, since: since))
        }
        var effects: [DecisionEffect] = []
        for family in Set(affected.keys).union(arrayOutages.keys).sorted(by: { $0.rawValue < $1.rawValue }) {
            let drivers = familyDrivers[family] ?? []
            let running = drivers.isEmpty ? 0 : mirror.nodes.values.filter { !Set($0.csiNodeIds.keys).isDisjoint(with: drivers) }.count
            let population = max(probed[family]?.count ?? 0, running)
            let nodes = affected[family] ?? []
            let open = OutageBreaker.isOpen(wasOpen: arrayOutages[family] != nil, affected: nodes, population: population,
                                            limits: configuration.outage)
            let what = "connectivity to the \(PodguardSubjects.token(family)) arrays"
            effects += outageTransition(open: open, previous: arrayOutages[family], nodes: nodes, population: population,
                                        rule: .arrayOutage, family: family, driver: "", what: what, alertReason: "ArrayOutage", now: now)
            arrayOutages[family] = open ? (arrayOutages[family] ?? Self.opened(nodes)) : nil
        }

        var driverAffected: [String: [OutageBreaker.AffectedNode]] = [:]
        var driverNodes: [String: Int] = [:]
        var driverFamily: [String: Podguard_V1_ArrayFamily] = [:]
        for node in mirror.nodes.values {
            for driverPod in node.driverPods {
                driverNodes[driverPod.driver, default: 0] += 1
                driverFamily[driverPod.driver] = driverPod.family
                // Only a kubelet's own report counts (see NodeTaintPolicy.driverOffline).
                guard node.ready == .true, driverPod.ready == .false, !driverPod.readyReason.isEmpty else { continue }
                driverAffected[driverPod.driver, default: []].append(.init(name: node.name, since: driverPod.readyLastTransition.date))
            }
        }
        for driver in Set(driverAffected.keys).union(driverOutages.keys).sorted() {
            let nodes = driverAffected[driver] ?? []
            let population = driverNodes[driver] ?? 0
            let open = OutageBreaker.isOpen(wasOpen: driverOutages[driver] != nil, affected: nodes, population: population,
                                            limits: configuration.outage)
            effects += outageTransition(open: open, previous: driverOutages[driver], nodes: nodes, population: population,
                                        rule: .driverOutage, family: driverFamily[driver] ?? .unspecified, driver: driver,
                                        what: "the node pods of CSI driver \(driver)", alertReason: "DriverOutage", now: now)
            driverOutages[driver] = open ? (driverOutages[driver] ?? Self.opened(nodes)) : nil
        }
        return effects
    }

    static func opened(_ nodes: [OutageBreaker.AffectedNode]) -> OpenOutage {
        OpenOutage(nodes: nodes.map(\.name).sorted(), since: nodes.map(\.since).min() ?? Date(timeIntervalSince1970: 0))
    }

    /// The DecisionRecord and the alert of a breaker that opened (critical) or closed (info).
    mutating func outageTransition(open: Bool, previous: OpenOutage?, nodes: [OutageBreaker.AffectedNode], population: Int,
                                           rule: Podguard_V1_DecisionRecord.Rule, family: Podguard_V1_ArrayFamily, driver: String,
                                           what: String, alertReason: String, now: Date) -> [DecisionEffect] {
        guard open != (previous != nil) else { return [] }
        let outage = previous ?? Self.opened(nodes)
        let decisionID = makeID()
        var record = messages.nodeDecisionRecord(id: decisionID, node: nil, rule: rule, outcome: .noAction, explanation: "", now: now)
        record.outageNodes = outage.nodes
        record.outageFamily = family
        record.outageDriver = driver
        // Node-level decisions go to decision.=.<node>: the first node of the outage names it.
        record.nodeName = outage.nodes.first ?? ""
        let severity: Podguard_V1_Severity
        let reason: String
        if open {
            record.outcome = .withheldOutage
            record.explanation = "\(what) lost on \(nodes.count) of \(population) nodes whose kubelets are Ready "
                + "(\(outage.nodes.joined(separator: ", "))): an outage, not failures of those nodes; no taint and no fence "
                + "for it until it ends (Node Healthcheck's minHealthy \(Int((configuration.outage.minHealthy * 100).rounded())) %)"
            severity = .critical
            reason = alertReason
        } else {
            record.outcome = .noAction
            record.explanation = "\(what) back: the outage that began on \(outage.nodes.joined(separator: ", ")) is over "
                + "(\(nodes.count) of \(population) nodes still affected); taints and fences resume"
            severity = .info
            reason = "\(alertReason)Over"
        }
        // The same id on every replica: the breaker and its first loss are the same everywhere.
        let id = "\(reason).\(family.rawValue).\(driver).\(Int64(outage.since.timeIntervalSince1970))"
        // What the outage is of, in fields an alert relay can match the end to the start with.
        var alert = messages.alert(id: id, severity: severity, reason: reason, summary: record.explanation,
                                   pod: nil, node: record.nodeName, decisionID: decisionID,
                                   labels: driver.isEmpty ? [:] : ["driver": driver], now: now)
        alert.family = family
        return [.record(record, alert: nil), .alert(alert)]
    }
}
