import SwiftProtobuf
public import Contracts
public import Foundation
import Policy

extension StatusReport {
    /// How long a hold-back alert or a finished node remediation stays in the status.
    public static let recentWindow: TimeInterval = 3600

    /// The status of `snapshot` at `clock.now`.
    public init(_ snapshot: ClusterSnapshot, clock: ViewClock) {
        let now = clock.now
        let live = snapshot.fences.map(\.value).filter(\.isLive)
        let liveByNode = Dictionary(grouping: live, by: \.nodeName)
        let podsByNode = Dictionary(grouping: snapshot.pods.map(\.value), by: \.nodeName)
        let connectivityByNode = Dictionary(grouping: snapshot.connectivity.map(\.value), by: \.nodeName)
        // Taints podguard itself put on a node (recorded in its FenceRecords), besides podmon's keys.
        let appliedTaintKeys = Set(snapshot.fences.flatMap { $0.value.taintsApplied.map(\.key) })

        generatedAt = RFC3339.string(now)
        pause = Self.pauseStatus(snapshot.pause, clock: clock)

        nodes = snapshot.nodes.map(\.value).sorted { $0.name < $1.name }.map { node in
            let verdicts = (connectivityByNode[node.name] ?? []).sorted { $0.family.rawValue < $1.family.rawValue }
            return NodeStatus(
                name: node.name,
                ready: node.ready.name,
                notReadySeconds: node.ready != .true && node.hasReadyLastTransition
                    ? max(0, now.timeIntervalSince(node.readyLastTransition.date)) : nil,
                taints: node.taints.map(\.text),
                connectivity: Dictionary(verdicts.map { (PodguardSubjects.token($0.family), $0.verdict.name) }, uniquingKeysWith: { $1 }),
                lostSince: Dictionary(verdicts.filter { $0.verdict == .lost && $0.hasLostSince }
                    .map { (PodguardSubjects.token($0.family), RFC3339.string($0.lostSince.date)) }, uniquingKeysWith: { $1 }),
                protectedPods: podsByNode[node.name]?.count ?? 0,
                remediationsInProgress: liveByNode[node.name]?.count ?? 0)
        }

        let taintedNodes = snapshot.nodes.map(\.value).filter { node in
            node.taints.contains { appliedTaintKeys.contains($0.key) || $0.key.hasSuffix(".podmon.storage.dell.com") }
        }.map(\.name)
        let underRemediation = Set(liveByNode.keys).union(taintedNodes)
        let holdBacks = snapshot.holdBacks
            .filter { $0.header.hasProducedAt && now.timeIntervalSince($0.header.producedAt.date) <= Self.recentWindow }
            .sorted { $0.header.producedAt.date > $1.header.producedAt.date }
            .map { HoldBack(reason: $0.reason, at: RFC3339.string($0.header.producedAt.date), summary: $0.summary) }
        var stormSummary = "\(live.count) remediation\(live.count == 1 ? "" : "s") in progress on \(underRemediation.count) of \(snapshot.nodes.count) nodes"
        if let latest = holdBacks.first { stormSummary += "; holding back: \(latest.reason) (\(latest.summary))" }
        storm = StormStatus(remediationsInProgress: live.count, nodesUnderRemediation: underRemediation.count,
                            nodesTotal: snapshot.nodes.count, holdingBack: holdBacks, summary: stormSummary)

        remediationsInFlight = live.sorted { ($0.requestedDate ?? .distantPast, $0.podName) < ($1.requestedDate ?? .distantPast, $1.podName) }
            .map { record in
                RemediationInFlight(
                    pod: record.podName, node: record.nodeName, reason: record.reason.name, phase: record.phase.name,
                    requestedAt: record.requestedDate.map(RFC3339.string),
                    ageSeconds: record.requestedDate.map { max(0, now.timeIntervalSince($0)) },
                    awaitingNodeRemediation: record.awaitingNodeRemediation.isEmpty ? nil : record.awaitingNodeRemediation,
                    dryRun: record.dryRun || record.request.dryRun)
            }

        nodeRemediations = snapshot.nodeRemediations.map(\.value)
            .filter { record in
                record.state == .climbing
                    || (record.hasFinishedAt && now.timeIntervalSince(record.finishedAt.date) <= Self.recentWindow)
            }
            .sorted { $0.nodeName < $1.nodeName }
            .map { record in
                let step = record.currentStep ?? (record.state == .proven ? record.provenBy : nil)
                let since = record.state == .climbing ? (record.hasRungStartedAt ? record.rungStartedAt : nil)
                    : (record.hasFinishedAt ? record.finishedAt : nil)
                return NodeRemediationStatus(
                    node: record.nodeName, state: record.state.name, step: step?.name,
                    ladder: record.ladderText, bootID: record.bootID, since: since.map { RFC3339.string($0.date) },
                    waitingForApproval: record.isWaitingForApproval)
            }
    }

    static func pauseStatus(_ value: Podguard_V1_PauseSwitch?, clock: ViewClock) -> PauseStatus {
        // The same reading decision makes (PauseState): on, and not expired.
        guard let state = PauseState.active(value, at: clock.now) else {
            var summary = "not paused: decision acts"
            if let value, value.paused, value.hasExpiresAt {
                summary += " (the pause by \(value.by.isEmpty ? "an operator" : value.by) expired \(clock.relative(value.expiresAt.date)))"
            }
            return PauseStatus(paused: false, by: nil, reason: nil, since: nil, expiresAt: nil, summary: summary)
        }
        var summary = "paused by \(state.by.isEmpty ? "an operator" : state.by)"
        if !state.reason.isEmpty { summary += " (\(state.reason))" }
        summary += " since \(clock.time(state.since))"
        if let expiry = state.expiresAt {
            summary += ", until \(clock.moment(expiry)) (\(clock.relative(expiry)))"
        } else {
            summary += ", until resumed"
        }
        summary += ": decision requests no fence, delete or taint"
        return PauseStatus(paused: true, by: state.by, reason: state.reason, since: RFC3339.string(state.since),
                           expiresAt: state.expiresAt.map(RFC3339.string), summary: summary)
    }
}

extension Podguard_V1_FenceRecord {
    /// "namespace/name" of the pod.
    public var podName: String { "\(pod.namespace)/\(pod.name)" }

    /// When decision asked for this remediation: the request's time, else the first transition's.
    public var requestedDate: Date? {
        if request.hasRequestedAt { return request.requestedAt.date }
        return transitions.first(where: \.hasAt)?.at.date
    }
}
