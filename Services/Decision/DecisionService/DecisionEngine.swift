import Contracts
import Foundation
import Policy
import SwiftProtobuf

/// The decision service without I/O: feed it bucket changes, get back what to publish.
///
/// It keeps the mirror of the buckets, the last outcome per pod (a DecisionRecord is published only
/// when the outcome changes), podmon's CrashLoopBackOff counters and the taint requests in flight.
/// Ids come from `makeID`, so tests are deterministic.
public struct DecisionEngine: Sendable {
    public var configuration: PolicyConfiguration
    public let taintKeys: TaintKeys
    /// A pod whose fence was aborted is not requested again before this much time has passed.
    public var retryAfterAbort: Duration
    public private(set) var mirror = ClusterMirror()
    private let builder: DecisionInputsBuilder
    private let messages: MessageFactory
    private let makeID: @Sendable () -> String
    private var lastOutcome: [String: Outcome] = [:]
    private var crashLoopDeletes: [String: Int] = [:]
    /// Taint requests made whose effect is not visible on the node yet (→ the node's resourceVersion then).
    private var pendingTaints: [TaintChange: String] = [:]
    /// Fences this engine requested whose FenceRecord has not come back through the bucket yet
    /// (pod uid → node). They count as live: deciding a failed node's hundred pods is one batch,
    /// and without them the storm limits would read the same counts for every pod of the batch.
    private var unconfirmedRequests: [String: String] = [:]
    /// The pause switch as last read from the control bucket.
    private var pauseSwitch: Podguard_V1_PauseSwitch?
    /// The pause the last PodguardPaused alert announced (nil: running, or resumed since).
    private var announcedPause: PauseState?
    /// Taint requests withheld (by the pause, or by the storm limit) and recorded once.
    private var withheldTaints: Set<Withheld> = []
    /// Open outages (`OutageBreaker`): the affected nodes and the earliest loss when each opened.
    private var arrayOutages: [Podguard_V1_ArrayFamily: OpenOutage] = [:]
    private var driverOutages: [String: OpenOutage] = [:]
    /// CSI drivers seen serving each family in the pods' volumes (who runs the family's nodes).
    private var familyDrivers: [Podguard_V1_ArrayFamily: Set<String>] = [:]
    /// Finished remediations by workload (`RepeatGuard`), from the FenceRecords that reached POD_DELETED.
    private var remediations: [String: [RepeatGuard.Remediation]] = [:]
    /// Nodes carrying a podguard taint now: they count against the storm limits like fenced nodes.
    private var podguardTaintedNodes: Set<String> = []

    /// One taint change on one node.
    struct TaintChange: Hashable {
        var node: String
        var key: String
        var adds: Bool
    }

    /// A taint change withheld, and by what.
    struct Withheld: Hashable {
        var change: TaintChange
        var byStormLimit: Bool
    }

    struct OpenOutage: Equatable {
        var nodes: [String]
        var since: Date
    }

    struct Outcome: Equatable {
        var uid: String
        var rule: PodDecision.Rule
        var outcome: PodDecision.Outcome
    }

    public init(configuration: PolicyConfiguration, taintKeys: TaintKeys, producerID: String, version: String,
                retryAfterAbort: Duration = .seconds(10), makeID: @escaping @Sendable () -> String) {
        self.configuration = configuration
        self.taintKeys = taintKeys
        self.retryAfterAbort = retryAfterAbort
        self.builder = DecisionInputsBuilder(taintKeys: taintKeys)
        self.messages = MessageFactory(producerID: producerID, version: version)
        self.makeID = makeID
    }

    /// Applies one bucket change and decides again for every pod it may affect.
    public mutating func handle(_ change: ClusterMirror.Change, now: Date) -> [DecisionEffect] {
        let affected: Set<String>
        switch mirror.apply(change) {
        case .pods(let keys):
            affected = keys
        case .fenceCounts(let keys):
            // Only a pod held back by the storm limits reads the counts.
            affected = keys.union(lastOutcome.filter { $0.value.outcome == .withheldStormLimit }.keys)
        }
        if case .fence(let uid, let record) = change {
            unconfirmedRequests[uid] = nil
            if let record { noteRemediation(record, now: now) }
        }
        if case .pod(_, let pod?) = change {
            for volume in pod.volumes where !volume.driver.isEmpty { familyDrivers[volume.family, default: []].insert(volume.driver) }
        }
        if case .node(let name, let node) = change {
            if let node, node.taints.contains(where: { taintKeys.isPodguard($0.key) }) { podguardTaintedNodes.insert(name) } else { podguardTaintedNodes.remove(name) }
        }
        var effects: [DecisionEffect] = []
        switch change {
        case .node, .connectivity: effects += updateOutages(now: now)
        default: break
        }
        if case .node(let name, _) = change { effects += nodeTaintEffects(node: name, now: now) }
        if case .connectivity(_, let value) = change, let node = value?.nodeName { effects += nodeTaintEffects(node: node, now: now) }
        if case .pod(let key, nil) = change {
            lastOutcome[key] = nil
            crashLoopDeletes[key] = nil
        }
        effects += evaluate(affected, now: now)
        return effects
    }

    /// Decides again for every pod (periodically, so withheld and aborted pods are retried; a pause
    /// that expired is announced as over).
    public mutating func reevaluateAll(now: Date) -> [DecisionEffect] {
        var effects = pauseTransition(now: now) + updateOutages(now: now)
        for node in mirror.nodes.keys.sorted() { effects += nodeTaintEffects(node: node, now: now) }
        return effects + evaluate(Set(mirror.pods.keys), now: now)
    }

    /// The pause switch changed (or was deleted): honoured at once. Switched off, everything still
    /// due is decided again now.
    public mutating func setPause(_ value: Podguard_V1_PauseSwitch?, now: Date) -> [DecisionEffect] {
        pauseSwitch = value
        let wasPaused = announcedPause != nil
        let effects = pauseTransition(now: now)
        return wasPaused && announcedPause == nil ? effects + reevaluateAll(now: now) : effects
    }

    /// The pause switch as read before the buckets are mirrored: kept, announced by the first
    /// `reevaluateAll` (the alert's id makes a repeat of an earlier announcement harmless).
    public mutating func preload(pause value: Podguard_V1_PauseSwitch?) {
        pauseSwitch = value
    }

    /// The pause in force now, if any.
    public func pause(at now: Date) -> PauseState? { PauseState.active(pauseSwitch, at: now) }

    /// PodguardPaused when a pause starts (or another pause replaces it), PodguardResumed when it
    /// ends or expires. The ids derive from the switch's own time, so every replica sends the same.
    private mutating func pauseTransition(now: Date) -> [DecisionEffect] {
        let active = pause(at: now)
        guard active != announcedPause else { return [] }
        defer { announcedPause = active }
        if let active {
            return [.alert(messages.alert(id: "pause.\(Self.stamp(active.since))", severity: .warning, reason: "PodguardPaused",
                                          summary: "podguard is \(active.summary): no fence, delete or taint is requested; node-cleanup goes on",
                                          pod: nil, node: "", decisionID: "", now: now))]
        }
        guard let ended = announcedPause else { return [] }
        let why = pauseSwitch?.paused == true ? "the pause expired" : "the pause was switched off"
        return [.alert(messages.alert(id: "resume.\(Self.stamp(ended.since))", severity: .info, reason: "PodguardResumed",
                                      summary: "podguard resumed (\(why)); was \(ended.summary)",
                                      pod: nil, node: "", decisionID: "", now: now))]
    }

    private static func stamp(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1e6).rounded())) }

    /// Told by the service when a claim was not taken (another replica holds a live record for the
    /// uid, or the bus failed): the pod is decided afresh on the next change or tick.
    public mutating func claimLost(podKey: String) {
        lastOutcome[podKey] = nil
        if let uid = mirror.pods[podKey]?.uid { unconfirmedRequests[uid] = nil }
    }

    /// The storm counts as they are now: live records in the bucket plus this engine's requests
    /// that have not come back yet.
    func fenceCounts() -> DecisionInputsBuilder.FenceCounts {
        // A podguard-tainted node is being evacuated as surely as a fenced one.
        var nodes = Set(mirror.liveFencesByNode.keys).union(podguardTaintedNodes)
        var count = mirror.liveFenceCount
        for (uid, node) in unconfirmedRequests where !(mirror.fences[uid].map(ClusterMirror.isLive) ?? false) {
            count += 1
            nodes.insert(node)
        }
        return DecisionInputsBuilder.FenceCounts(inProgress: count, nodes: nodes, nodesTotal: mirror.nodes.count)
    }

    /// The node's connectivity verdicts that still stand: a verdict the prober stopped refreshing
    /// (no protected pod of the family left on the node) is no evidence of anything.
    private func currentConnectivity(ofNode node: String, at now: Date) -> [Podguard_V1_ArrayConnectivity] {
        mirror.connectivity(ofNode: node).filter { ConnectivityFreshness.isCurrent($0, at: now) }
    }

    // MARK: Pods

    private mutating func evaluate(_ keys: Set<String>, now: Date) -> [DecisionEffect] {
        var effects: [DecisionEffect] = []
        var done = Set<String>()
        for key in keys.sorted() where !done.contains(key) {
            guard let pod = mirror.pods[key], !pod.nodeName.isEmpty else { continue }
            // Pods that must stay together are decided together (podmon's affinity processing).
            let group = AffinityGroups.key(node: pod.nodeName, affinityLabels: pod.affinityLabels)
            let members = group.isEmpty ? [key] : mirror.podKeys(onNode: pod.nodeName).filter {
                guard let other = mirror.pods[$0] else { return false }
                return AffinityGroups.key(node: other.nodeName, affinityLabels: other.affinityLabels) == group
            }.sorted()
            for member in members {
                done.insert(member)
                effects += evaluatePod(member, group: group, now: now)
            }
        }
        return effects
    }

    private mutating func evaluatePod(_ key: String, group: String, now: Date) -> [DecisionEffect] {
        guard let pod = mirror.pods[key] else { return [] }
        let node = mirror.nodes[pod.nodeName]
        let existing = mirror.fences[pod.uid]
        // This very pod (uid) was deleted by its remediation; the watcher has not seen it go yet.
        if existing?.phase == .podDeleted { return [] }
        // Requested by this engine and not back from the bucket yet counts as in progress too.
        let inProgress = (existing.map(ClusterMirror.isLive) ?? false) || unconfirmedRequests[pod.uid] != nil
        if let existing, existing.phase == .aborted, let abortedAt = existing.transitions.last?.at.date,
           Duration.seconds(now.timeIntervalSince(abortedAt)) < retryAfterAbort {
            return []
        }
        let counts = fenceCounts()
        let inputs = builder.inputs(pod: pod, node: node, connectivity: currentConnectivity(ofNode: pod.nodeName, at: now),
                                    crashLoopDeletesSoFar: crashLoopDeletes[key] ?? 0, fences: counts, now: now)
        if pod.ready == .true { crashLoopDeletes[key] = nil }
        var decision = DecisionPolicy.decide(inputs, configuration: configuration, fenceInProgress: inProgress)
        if decision.outcome == .fenceRequested, let outage = openOutage(affecting: pod) {
            decision.outcome = .withheldOutage
            decision.explanation = "\(outage); would act: \(decision.explanation)"
        }
        if decision.outcome == .fenceRequested, let window = configuration.repeatWindow,
           let why = RepeatGuard.withhold(rule: decision.rule, podUID: pod.uid, node: pod.nodeName,
                                          created: pod.hasCreationTimestamp ? pod.creationTimestamp.date : nil,
                                          earlier: remediations[RepeatGuard.workload(pod)] ?? [], now: now, window: window) {
            decision.outcome = .withheldRepeat
            decision.explanation = "\(why); would act: \(decision.explanation)"
        }
        if let pause = pause(at: now), decision.outcome == .fenceRequested || decision.outcome == .deleteRequested {
            decision.outcome = .withheldPaused
            decision.explanation = "podguard is \(pause.summary); would act: \(decision.explanation)"
        }
        let outcome = Outcome(uid: pod.uid, rule: decision.rule, outcome: decision.outcome)
        let previous = lastOutcome[key]
        guard previous != outcome else { return [] }
        lastOutcome[key] = outcome
        // The record that follows our own successful request says "in progress": not news.
        if let previous, previous.uid == pod.uid, decision.outcome == .alreadyInProgress,
           previous.outcome == .fenceRequested || previous.outcome == .deleteRequested {
            return []
        }

        let decisionID = makeID()
        let trigger = decision.fenceReason.map { "\($0)" } ?? ""
        switch decision.outcome {
        case .fenceRequested, .deleteRequested:
            let fenceID = makeID()
            unconfirmedRequests[pod.uid] = pod.nodeName
            let reason = decision.outcome == .deleteRequested ? Podguard_V1_FenceReason.crashLoopBackOff : (decision.fenceReason ?? .nodeFailure)
            let taints = decision.outcome == .deleteRequested ? [] : podguardTaints(for: pod)
            let retry = crashLoopDeletes[key] ?? 0
            if decision.outcome == .deleteRequested { crashLoopDeletes[key] = retry + 1 }
            var request = messages.fenceRequest(
                id: fenceID, decisionID: decisionID, pod: pod, node: node, reason: reason, inputs: inputs, taints: taints,
                affinityGroup: group, skipValidation: configuration.skipArrayConnectionValidation, crashLoopRetry: retry, now: now)
            let detection = DetectionTime.detection(rule: decision.rule, pod: pod, node: node,
                                                    connectivity: currentConnectivity(ofNode: pod.nodeName, at: now), taintKeys: taintKeys, now: now)
            request.arrayProofRequired = decision.arrayProofRequired
            request.detectedAt = Google_Protobuf_Timestamp(date: detection.at)
            request.detectedBy = detection.by
            let record = messages.decisionRecord(
                id: decisionID, pod: pod, node: node, inputs: inputs, decision: decision, affinityGroup: group,
                fenceID: fenceID, trigger: trigger, dryRun: false, now: now)
            let alert = messages.alert(
                id: makeID(), severity: .info, reason: decision.outcome == .deleteRequested ? "CrashLoopDeleteRequested" : "FenceRequested",
                summary: "\(pod.namespace)/\(pod.name) on \(pod.nodeName): \(decision.explanation)",
                pod: pod, node: pod.nodeName, decisionID: decisionID, fenceID: fenceID, now: now)
            return [.claimAndRequest(record: messages.fenceRecord(for: request, now: now), request: request, decision: record, alert: alert)]
        default:
            let record = messages.decisionRecord(
                id: decisionID, pod: pod, node: node, inputs: inputs, decision: decision, affinityGroup: group,
                fenceID: existing.flatMap { inProgress ? $0.fenceID : nil } ?? "", trigger: trigger,
                dryRun: decision.outcome == .withheldDryRun, now: now)
            var alert: Podguard_V1_Alert?
            switch decision.outcome {
            case .withheldStormLimit:
                alert = messages.alert(id: makeID(), severity: .warning, reason: "StormLimitReached",
                                       summary: "\(pod.namespace)/\(pod.name): \(decision.explanation)",
                                       pod: pod, node: pod.nodeName, decisionID: decisionID, now: now)
            case .withheldRepeat:
                alert = messages.alert(id: makeID(), severity: .warning, reason: "RepeatedRemediationWithheld",
                                       summary: "\(pod.namespace)/\(pod.name) on \(pod.nodeName): \(decision.explanation)",
                                       pod: pod, node: pod.nodeName, decisionID: decisionID, now: now)
            case .withheldDryRun:
                alert = messages.alert(id: makeID(), severity: .info, reason: "DryRunWouldFence",
                                       summary: "\(pod.namespace)/\(pod.name): \(decision.explanation)",
                                       pod: pod, node: pod.nodeName, decisionID: decisionID, now: now)
            default:
                alert = nil
            }
            return [.record(record, alert: alert)]
        }
    }

    /// Remembers a remediation that deleted its pod, for `RepeatGuard`; forgets those older than the window.
    private mutating func noteRemediation(_ record: Podguard_V1_FenceRecord, now: Date) {
        let request = record.request
        guard record.phase == .podDeleted, request.reason != .crashLoopBackOff, !request.workload.isEmpty,
              let deleted = record.transitions.last(where: { $0.phase == .podDeleted })?.at.date else { return }
        remediations[request.workload] = RepeatGuard.remembering(
            RepeatGuard.Remediation(podUID: request.pod.uid, node: request.nodeName, deletedAt: deleted),
            in: remediations[request.workload] ?? [], now: now, window: configuration.repeatWindow)
    }

    /// The podguard taints fencing should put on the node: one per driver of the pod's volumes.
    private func podguardTaints(for pod: Podguard_V1_PodState) -> [Podguard_V1_Taint] {
        let drivers = Set(pod.volumes.filter(\.bound).map(\.driver)).sorted()
        return drivers.compactMap { taintKeys.podguard[$0] }.map { messages.taint(key: $0) }
    }

    // MARK: Nodes

    private mutating func nodeTaintEffects(node name: String, now: Date) -> [DecisionEffect] {
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

    private mutating func taintEffect(_ action: NodeTaintPolicy.Action, node: Podguard_V1_NodeState,
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

    // MARK: Outages

    /// Nodes with fences in progress, a podguard taint, or a podguard taint requested and not yet
    /// visible, with `node` added.
    private func nodesUnderRemediation(adding node: String) -> Int {
        var nodes = fenceCounts().nodes
        for change in pendingTaints.keys where change.adds && taintKeys.isPodguard(change.key) { nodes.insert(change.node) }
        nodes.insert(node)
        return nodes.count
    }

    /// A withheld taint request, recorded once until it is requested after all.
    private mutating func withheldTaint(node: Podguard_V1_NodeState, key: String, why: String, now: Date) -> [DecisionEffect] {
        guard withheldTaints.insert(Withheld(change: TaintChange(node: node.name, key: key, adds: true), byStormLimit: true)).inserted else { return [] }
        let decisionID = makeID()
        let record = messages.nodeDecisionRecord(id: decisionID, node: node, rule: .arrayConnectivityLoss, outcome: .withheldStormLimit,
                                                 explanation: "\(why): add taint \(key):NoSchedule", now: now)
        let alert = messages.alert(id: makeID(), severity: .warning, reason: "StormLimitReached", summary: record.explanation,
                                   pod: nil, node: node.name, decisionID: decisionID, now: now)
        return [.record(record, alert: alert)]
    }

    /// Why a fence of `pod` must wait for an outage to end, or nil.
    private func openOutage(affecting pod: Podguard_V1_PodState) -> String? {
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
    private mutating func updateOutages(now: Date) -> [DecisionEffect] {
        var affected: [Podguard_V1_ArrayFamily: [OutageBreaker.AffectedNode]] = [:]
        var probed: [Podguard_V1_ArrayFamily: Set<String>] = [:]
        for verdict in mirror.connectivity.values where ConnectivityFreshness.isCurrent(verdict, at: now) {
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

    private static func opened(_ nodes: [OutageBreaker.AffectedNode]) -> OpenOutage {
        OpenOutage(nodes: nodes.map(\.name).sorted(), since: nodes.map(\.since).min() ?? Date(timeIntervalSince1970: 0))
    }

    /// The DecisionRecord and the alert of a breaker that opened (critical) or closed (info).
    private mutating func outageTransition(open: Bool, previous: OpenOutage?, nodes: [OutageBreaker.AffectedNode], population: Int,
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
        let alert = messages.alert(id: id, severity: severity, reason: reason, summary: record.explanation,
                                   pod: nil, node: record.nodeName, decisionID: decisionID, now: now)
        return [.record(record, alert: nil), .alert(alert)]
    }
}
