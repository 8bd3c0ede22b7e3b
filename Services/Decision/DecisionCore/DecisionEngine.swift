public import Contracts
public import Foundation
public import Policy
public import SwiftProtobuf

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
    let builder: DecisionInputsBuilder
    let messages: MessageFactory
    let makeID: @Sendable () -> String
    var lastOutcome: [String: Outcome] = [:]
    var crashLoopDeletes: [String: Int] = [:]
    /// Taint requests made whose effect is not visible on the node yet (→ the node's resourceVersion then).
    var pendingTaints: [TaintChange: String] = [:]
    /// Fences this engine requested whose FenceRecord has not come back through the bucket yet
    /// (pod uid → node). They count as live: deciding a failed node's hundred pods is one batch,
    /// and without them the storm limits would read the same counts for every pod of the batch.
    var unconfirmedRequests: [String: String] = [:]
    /// The pause switch as last read from the control bucket.
    var pauseSwitch: Podguard_V1_PauseSwitch?
    /// The pause the last PodguardPaused alert announced (nil: running, or resumed since).
    var announcedPause: PauseState?
    /// Taint requests withheld (by the pause, or by the storm limit) and recorded once.
    var withheldTaints: Set<Withheld> = []
    /// Open outages (`OutageBreaker`): the affected nodes and the earliest loss when each opened.
    var arrayOutages: [Podguard_V1_ArrayFamily: OpenOutage] = [:]
    var driverOutages: [String: OpenOutage] = [:]
    /// CSI drivers seen serving each family in the pods' volumes (who runs the family's nodes).
    var familyDrivers: [Podguard_V1_ArrayFamily: Set<String>] = [:]
    /// Finished remediations by workload (`RepeatGuard`), from the FenceRecords that reached POD_DELETED.
    var remediations: [String: [RepeatGuard.Remediation]] = [:]
    /// Nodes carrying a podguard taint now: they count against the storm limits like fenced nodes.
    var podguardTaintedNodes: Set<String> = []
    /// Started remediations whose work is queued again when it seems lost.
    public var requeue = WorkRequeue(after: .seconds(120))
    /// Live records to read again from the bucket's leader when they stop changing.
    public var reread = LiveRecordReread(after: .seconds(60))

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
            reread.observed(podUID: uid, live: record.map(ClusterMirror.isLive) ?? false, at: now)
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
        if case .connectivity(_, let value, _) = change, let node = value?.nodeName { effects += nodeTaintEffects(node: node, now: now) }
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
        effects += requeue.due(mirror.fences, now: now).map(DecisionEffect.requeue)
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
    mutating func pauseTransition(now: Date) -> [DecisionEffect] {
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

    static func stamp(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1e6).rounded())) }

    /// Told by the service when a claim was not taken (another replica holds a live record for the
    /// uid, or the bus failed): the pod is decided afresh on the next change or tick.
    public mutating func claimLost(podKey: String) {
        lastOutcome[podKey] = nil
        if let uid = mirror.pods[podKey]?.uid { unconfirmedRequests[uid] = nil }
    }

    /// The storm counts as they are now: live records in the bucket plus this engine's requests
    /// that have not come back yet.
    public func fenceCounts() -> DecisionInputsBuilder.FenceCounts {
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
    func currentConnectivity(ofNode node: String, at now: Date) -> [Podguard_V1_ArrayConnectivity] {
        mirror.currentConnectivity(ofNode: node, at: now)
    }

    // MARK: Pods

    mutating func evaluate(_ keys: Set<String>, now: Date) -> [DecisionEffect] {
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

    mutating func evaluatePod(_ key: String, group: String, now: Date) -> [DecisionEffect] {
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
            var record = messages.decisionRecord(
                id: decisionID, pod: pod, node: node, inputs: inputs, decision: decision, affinityGroup: group,
                fenceID: fenceID, trigger: trigger, dryRun: false, now: now)
            record.remediationLadder = ladder(for: decision, node: node)
            let alert = messages.alert(
                id: makeID(), severity: .info, reason: decision.outcome == .deleteRequested ? "CrashLoopDeleteRequested" : "FenceRequested",
                summary: "\(pod.namespace)/\(pod.name) on \(pod.nodeName): \(decision.explanation)",
                pod: pod, node: pod.nodeName, decisionID: decisionID, fenceID: fenceID, now: now)
            return [.claimAndRequest(record: messages.fenceRecord(for: request, now: now), request: request, decision: record, alert: alert)]
        default:
            var record = messages.decisionRecord(
                id: decisionID, pod: pod, node: node, inputs: inputs, decision: decision, affinityGroup: group,
                fenceID: existing.flatMap { inProgress ? $0.fenceID : nil } ?? "", trigger: trigger,
                dryRun: decision.outcome == .withheldDryRun, now: now)
            record.remediationLadder = ladder(for: decision, node: node)
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
                let ladder = record.remediationLadder.isEmpty ? "" : "; if the arrays cannot prove the node safe, its ladder: \(record.remediationLadder)"
                alert = messages.alert(id: makeID(), severity: .info, reason: "DryRunWouldFence",
                                       summary: "\(pod.namespace)/\(pod.name): \(decision.explanation)\(ladder)",
                                       pod: pod, node: pod.nodeName, decisionID: decisionID, now: now)
            default:
                alert = nil
            }
            return [.record(record, alert: alert)]
        }
    }

    /// Remembers a remediation that deleted its pod, for `RepeatGuard`; forgets those older than the window.
    mutating func noteRemediation(_ record: Podguard_V1_FenceRecord, now: Date) {
        let request = record.request
        guard record.phase == .podDeleted, request.reason != .crashLoopBackOff, !request.workload.isEmpty,
              let deleted = record.transitions.last(where: { $0.phase == .podDeleted })?.at.date else { return }
        remediations[request.workload] = RepeatGuard.remembering(
            RepeatGuard.Remediation(podUID: request.pod.uid, node: request.nodeName, deletedAt: deleted),
            in: remediations[request.workload] ?? [], now: now, window: configuration.repeatWindow)
    }

    /// The node remediation ladder a fence of this decision climbs if the arrays cannot prove the
    /// node safe (DecisionRecord.remediation_ladder): for a fence requested or withheld, else none.
    func ladder(for decision: PodDecision, node: Podguard_V1_NodeState?) -> String {
        guard decision.fenceReason != nil, decision.outcome != .deleteRequested, decision.outcome != .noAction else { return "" }
        return configuration.ladders.ladder(nodeLabels: node?.labels ?? [:]).description
    }

    /// The podguard taints fencing should put on the node: one per driver of the pod's volumes.
    func podguardTaints(for pod: Podguard_V1_PodState) -> [Podguard_V1_Taint] {
        let drivers = Set(pod.volumes.filter(\.bound).map(\.driver)).sorted()
        return drivers.compactMap { taintKeys.podguard[$0] }.map { messages.taint(key: $0) }
    }

}
