import Bus
import BusService
import Contracts
import FencingCore
import Foundation
import Logging
import Policy
import SwiftProtobuf

/// A pod remediation that the arrays could not prove safe joins its node's remediation: it starts
/// the node's climb (the record; one per node, `RecordStore.start` lets only one writer win) or
/// finds the one under way, and learns whether to wait or to give up (`NodeProofGate.verdict`).
struct NodeProofJoin: FencingComponent {
    let context: FencingContext
    let store: NodeRemediationStore
    /// The climbing records (followed by `NodeRemediator`): the storm limit counts them.
    let climbing: KeyValueMirror<Podguard_V1_NodeRemediationRecord>

    enum Result: Sendable, Equatable {
        /// The node's remediation climbs (or just proved it): wait, and ask again.
        case waiting(remediationID: String)
        /// It ended without proof, or the node has no ladder beyond the storage fence.
        case notProven(Podguard_V1_AbortReason, String)
        /// No climb may start now (`remediation.maxConcurrentNodes`): wait, and ask again.
        case held(String)
    }

    func join(_ record: Podguard_V1_FenceRecord, liveNode: LiveNode?, storageFailure: String, logger: Logger) async throws -> Result {
        guard let liveNode else {
            return .notProven(.nodeNotProvenSafe, "the node no longer exists; nothing can prove it safe")
        }
        let selection = settings.remediation.ladders.ladder(nodeLabels: liveNode.labels)
        let (ladderName, ladder) = (selection.name, selection.ladder)
        if let unknownLabel = selection.unknownLabel {
            logger.warning("the node's label names no configured ladder; it climbs the cluster's",
                           metadata: ["label": "\(settings.remediation.ladders.label)", "value": "\(unknownLabel)"])
        }
        let rungs = ladder.beyondStorage
        guard !rungs.rungs.isEmpty else {
            return .notProven(.nodeNotProvenSafe, "the node's ladder '\(ladderName)' has no step beyond the storage fence")
        }
        let key = PodguardKeys.node(record.nodeName)
        for _ in 0..<5 {
            switch NodeProofGate.verdict(try await store.read(key: key)?.record, liveBootID: liveNode.bootID) {
            case .wait(let remediationID):
                return .waiting(remediationID: remediationID)
            case .abort(let text):
                return .notProven(.nodeNotProvenSafe, text)
            case .start:
                if let limit = settings.remediation.maxConcurrentNodes {
                    guard climbing.isCaughtUp else { return .held("the climbing node remediations are not read yet") }
                    let others = climbing.snapshot().values.filter { $0.value.isClimbing && $0.value.nodeName != record.nodeName }
                    if others.count >= limit {
                        return .held("\(others.count) nodes are climbing their ladders (remediation.maxConcurrentNodes \(limit)): "
                                     + others.map(\.value.nodeName).sorted().joined(separator: ", "))
                    }
                }
                let started = newRecord(for: record, node: liveNode, ladder: rungs, ladderName: ladderName, storageFailure: storageFailure)
                if try await store.start(started) {
                    logger.notice("the arrays cannot prove the node safe; climbing its remediation ladder",
                                  metadata: ["remediation": "\(started.remediationID)", "ladder": "\(rungs.text)", "why": "\(storageFailure)"])
                    let alert = messages.nodeRemediationAlert(started, .started, now: Date())
                    await publishLogged(alert)
                    return .waiting(remediationID: started.remediationID)
                }
                // Another replica started it (or a live one holds the node): read it again.
            }
        }
        throw RecordStoreError.tooManyConflicts(key: key)
    }

    private func newRecord(for fence: Podguard_V1_FenceRecord, node: LiveNode, ladder: RemediationLadder, ladderName: String,
                           storageFailure: String) -> Podguard_V1_NodeRemediationRecord {
        let now = Date()
        var record = Podguard_V1_NodeRemediationRecord()
        record.remediationID = UUID().uuidString.lowercased()
        record.nodeName = fence.nodeName
        record.nodeUid = node.uid
        record.bootID = node.bootID
        record.startedByFenceID = fence.fenceID
        record.storageFailure = storageFailure
        record.ladderName = ladderName
        record.startedAt = Google_Protobuf_Timestamp(date: now)
        record.dryRun = fence.dryRun
        NodeRemediationStateMachine(ladder: ladder, at: now).apply(to: &record)
        var storage = Podguard_V1_LadderOutcome()
        (storage.step, storage.result, storage.detail, storage.at) = (.storage, .failed, storageFailure, Google_Protobuf_Timestamp(date: now))
        record.history.insert(storage, at: 0)
        messages.stamp(&record, at: now, correlation: fence.decisionID)
        // Nobody climbs it yet: the first replica to look takes it (`NodeRemediator`).
        record.owner = ""
        record.clearOwnerRenewedAt()
        return record
    }
}
