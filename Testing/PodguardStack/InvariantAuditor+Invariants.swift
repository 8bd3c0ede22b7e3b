import ArrayFamily
import Bus
import Contracts
import BusService
import CSISimulator
import Foundation
import Kube
import NodeSimulator
import SwiftProtobuf
import Synchronization

extension InvariantAuditor {
    // MARK: The invariants

    /// Breaches of the safety invariants seen so far; empty when all four held. Call it at
    /// the end of a scenario, once the remediations it caused are over (it also checks that none
    /// was left unfinished).
    public func violations() async -> [String] {
        var problems: [String] = []
        let snapshot = state.withLock { $0 }
        let eventLogs = cluster.backends.mapValues { $0.array.events }

        // 1. Force deletes only with a trigger, not Ready, no I/O, every volume fenced first.
        for deletion in snapshot.forced {
            let who = "\(deletion.namespace)/\(deletion.name) \(deletion.uid)"
            if deletion.ready && !deletion.nodeSilent {
                problems.append("invariant 1: \(who) force-deleted while Ready (its node reporting)")
            }
            let trigger = deletion.nodeTaints.contains {
                $0.key == Self.unreachableKey || Self.isPodguardTaint($0.key) || Self.isOfflineTaint($0.key)
            } || (snapshot.lostSince[deletion.node].map { $0 <= deletion.at } ?? false)
            if !trigger {
                problems.append("invariant 1: \(who) force-deleted from \(deletion.node) without a trigger (taints \(deletion.nodeTaints.map(\.key)))")
            }
            for volume in await resolveVolumes(namespace: deletion.namespace, claims: deletion.claims) {
                if deletion.ioActiveVolumes.contains(volume.handle), !volume.readWriteMany {
                    problems.append("invariant 1: \(who) force-deleted while I/O was in progress on \(volume.handle)")
                }
                let events = eventLogs[volume.family]?.prefix(deletion.eventIndex[volume.family] ?? 0) ?? []
                let last = events.last { event in
                    switch event {
                    case .mapped(let handle, let host), .unmapped(let handle, let host):
                        handle == volume.handle && host == deletion.node
                    case .write: false
                    }
                }
                if case .mapped = last {
                    problems.append("invariant 1: \(who) force-deleted while \(volume.handle) was still mapped to \(deletion.node) (not fenced)")
                }
            }
            let records = snapshot.fenceRevisions[deletion.uid] ?? []
            // Kubernetes' pod GC force-deletes every pod of a node carrying the out-of-service taint:
            // allowed when podguard applied it to the node after proving the node safe (fast path).
            let outOfServiceByPodguard = deletion.nodeTaints.contains { $0.key == "node.kubernetes.io/out-of-service" }
                && snapshot.fenceRevisions.values.contains { revisions in
                    revisions.contains { $0.nodeName == deletion.node && $0.nodeProvenBy != .unspecified
                        && $0.taintsApplied.contains { $0.key == "node.kubernetes.io/out-of-service" } }
                }
            if !outOfServiceByPodguard, !records.contains(where: { $0.phase == .podDeleted || $0.podDeleteIssuedAt.seconds > 0 }) {
                problems.append("invariant 1: \(who) force-deleted but no FenceRecord of podguard deleted it")
            }
        }

        // 1'. No fenced volume published to its fenced node again after POD_DELETED, until cleanup.
        var republishedAndCut: [String] = []
        for watch in snapshot.publicationWatches.values {
            for volume in watch.volumes {
                guard let log = eventLogs[volume.family] else { continue }
                let from = min(watch.from[volume.family] ?? 0, log.count)
                let until = min(watch.until?[volume.family] ?? log.count, log.count)
                guard from < until else { continue }
                // The attach/detach controller may re-attach from a stale cache (after an API-server
                // restart); podguard cannot stop that, only undo it. So a re-publication before
                // cleanup counts unless podguard cut it off again and said so (FencedVolumeRepublished).
                // One that lands just before the cleanup is cut just after it (the guard watches on
                // a little): what must follow every such mapping is an unmapping, wherever it lands.
                func concerns(_ event: SimulatorEvent) -> Bool {
                    switch event {
                    case .mapped(let handle, let host), .unmapped(let handle, let host): handle == volume.handle && host == watch.node
                    case .write: false
                    }
                }
                let mappings = log[from..<until].indices.filter { index in
                    if case .mapped = log[index] { return concerns(log[index]) }
                    return false
                }
                guard let republished = mappings.first else { continue }
                let cutOff = mappings.allSatisfy { index in
                    if case .unmapped? = log[(index + 1)...].first(where: concerns) { return true }
                    return false
                }
                let alerted = snapshot.alerts.contains { $0.reason == "FencedVolumeRepublished" && $0.nodeName == watch.node }
                if !(cutOff && alerted) {
                    problems.append("invariant 1: \(volume.handle) of \(watch.pod) published to its fenced node \(watch.node) again before cleanup"
                                    + (cutOff ? " (cut off, but no FencedVolumeRepublished alert)" : " and not cut off again"))
                } else {
                    republishedAndCut.append("\(volume.handle) of \(watch.pod) at position \(republished)")
                }
            }
        }

        for entry in republishedAndCut { log("auditor: re-published to its fenced node and cut off again by podguard: \(entry)") }

        // 2. Podguard taints removed only from clean nodes.
        for removal in snapshot.taintRemovals where !removal.problems.isEmpty {
            problems.append("invariant 2: \(removal.keys) removed from \(removal.node): \(removal.problems.joined(separator: "; "))")
        }

        // 3. At most one remediation executed per pod uid, phases in order and each once, none left hanging.
        func rank(_ phase: Podguard_V1_FencePhase) -> Int { phase.progress }
        for (uid, revisions) in snapshot.fenceRevisions {
            let deleted = Set(revisions.filter { $0.phase == .podDeleted }.map(\.fenceID))
            if deleted.count > 1 { problems.append("invariant 3: pod \(uid) remediated \(deleted.count) times: \(deleted.sorted())") }
            var byFence: [String: [Podguard_V1_FenceRecord]] = [:]
            for record in revisions { byFence[record.fenceID, default: []].append(record) }
            for (fenceID, records) in byFence {
                let ranks = records.map { rank($0.phase) }
                if ranks != ranks.sorted() {
                    problems.append("invariant 3: fence \(fenceID) of \(uid) went back in phase: \(records.map { "\($0.phase)" })")
                }
                guard let last = records.last else { continue }
                let phases = last.transitions.map(\.phase)
                if Set(phases).count != phases.count {
                    problems.append("invariant 3: fence \(fenceID) of \(uid) recorded a phase twice: \(phases)")
                }
                if phases.map(rank) != phases.map(rank).sorted() {
                    problems.append("invariant 3: fence \(fenceID) of \(uid) transitions out of order: \(phases)")
                }
                // Each delivery unpublishes every volume once before the delete (the live proof) and
                // once after it (undoing a re-publication); more than that is work repeated.
                for volume in last.volumes where volume.attempts > 2 * max(1, last.attempts) {
                    problems.append("invariant 3: fence \(fenceID) of \(uid) unpublished \(volume.volume.volumeHandle) \(volume.attempts) times in \(last.attempts) attempts")
                }
            }
            if let last = revisions.last, !last.phase.isTerminal {
                problems.append("invariant 3: fence \(last.fenceID) of \(uid) never finished (phase \(last.phase))")
            }
            if let last = revisions.last, last.phase == .podDeleted,
               !snapshot.forced.contains(where: { $0.uid == uid }) && !snapshot.gracefulDeletions.contains(uid)
               && last.reason != .crashLoopBackOff {
                problems.append("invariant 3: fence \(last.fenceID) says pod \(uid) deleted, but the auditor never saw it go")
            }
        }

        // 4. No volume written by two hosts at once.
        for (family, found) in cluster.violations {
            for violation in found { problems.append("invariant 4 (\(family.rawValue)): \(violation)") }
        }
        return problems
    }
}
