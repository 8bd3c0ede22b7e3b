import BusService
import Contracts
import FencingCore
import Foundation
import Logging
import Policy
import SwiftProtobuf

/// Performs the steps the state machine asks for, against the adapters and the apiserver, and
/// reports what happened as a `StepOutcome`. Every step is idempotent: an unpublished volume
/// unpublishes again successfully, a present taint is not added twice, a missing VolumeAttachment
/// is deleted, a missing pod is reported as gone.
struct RemediationExecutor: Sendable {
    let adapters: AdapterCaller
    let validations: ValidationBatches
    let kube: FencingKube
    let taintKeys: TaintKeys
    /// The node remediation records, when a ladder goes beyond the storage fence (else nil).
    let nodeRemediations: NodeRemediationStore?
    /// The fast path: a node proven safe by the ladder also gets the out-of-service taint.
    let outOfServiceTaint: Bool
    /// With `outOfServiceTaint`: the fences held per node, when the storage fence alone may earn
    /// the taint too (`remediation.outOfServiceAfterStorageFence`); else nil.
    let fencedVolumes: FencedVolumeIndex?
    let logger: Logger

    /// What a delivery learned along the way (the live node, read by the safety check).
    struct Scratch: Sendable {
        var liveNode: LiveNode?
        /// The safety check found the pod still reporting Ready on a silent node.
        var arrayProofRequired = false
        /// The ladder step that proved the node safe in its current boot, if one did.
        var nodeProof: Podguard_V1_LadderStep?
    }

    /// Performs `step`. `progress` writes the record while a step runs (the state machine's
    /// `.recordProgress`); it throws when the write fails.
    func perform(_ step: RemediationStep, tracked: inout TrackedRecord, scratch: inout Scratch,
                 progress: (inout TrackedRecord) async throws -> Void) async -> StepOutcome {
        let request = tracked.record.request
        switch step {
        case .checkSafety: return await checkSafety(request, scratch: &scratch)
        case .validate:
            let outcome = await validate(request, liveNode: scratch.liveNode,
                                         arrayProofRequired: request.arrayProofRequired || scratch.arrayProofRequired)
            return provenOrAsIs(outcome, step: .validate, tracked: &tracked, proof: scratch.nodeProof, bootID: scratch.liveNode?.bootID)
        case .fence:
            let outcome = await fence(request, liveNode: scratch.liveNode, tracked: &tracked, progress: progress)
            return provenOrAsIs(outcome, step: .fence, tracked: &tracked, proof: scratch.nodeProof, bootID: scratch.liveNode?.bootID)
        case .confirmFenced:
            let outcome = await fence(request, liveNode: scratch.liveNode, tracked: &tracked, progress: progress)
            if case .failed(_, let message) = outcome {
                logger.error("the pod is deleted but a volume could not be unpublished from its node again; node-cleanup unpublishes it node-side",
                             metadata: ["pod": "\(request.pod.namespace)/\(request.pod.name)", "node": "\(request.nodeName)", "error": "\(message)"])
            }
            return outcome
        case .taint: return await taint(request, liveNode: scratch.liveNode, proof: scratch.nodeProof, tracked: &tracked)
        case .deleteAttachments: return await deleteAttachments(request, tracked: &tracked)
        case .recordEvent:
            let recorded = await kube.recordEvent(on: request.pod, reason: EventTexts.reason(request.reason),
                                                  note: EventTexts.cleaning(request))
            return .succeeded(note: recorded ? "Event recorded" : "Event could not be recorded (logged)")
        case .deletePod: return await deletePod(request)
        }
    }

    // MARK: Steps

    private func checkSafety(_ request: Podguard_V1_FenceRequest, scratch: inout Scratch) async -> StepOutcome {
        do {
            let pod = try await kube.livePod(namespace: request.pod.namespace, name: request.pod.name)
            let node = try await kube.liveNode(request.nodeName)
            scratch.liveNode = node
            if let nodeRemediations, let node {
                let record = try await nodeRemediations.read(key: PodguardKeys.node(request.nodeName))?.record
                scratch.nodeProof = NodeProofGate.proof(record, liveBootID: node.bootID)
            }
            switch SafetyCheck.evaluate(request, pod: pod, node: node, taintKeys: taintKeys, now: Date()) {
            case .safe(let note, let arrayProofRequired):
                scratch.arrayProofRequired = arrayProofRequired
                return .succeeded(note: note)
            case .podGone(let message): return .podGone(message)
            case .unsafe(let message): return .failed(.safetyCheckFailed, message)
            }
        } catch {
            return KubeFailure.outcome(error, abort: .safetyCheckFailed, doing: "reading the pod and node")
        }
    }

    /// A validation or fence that could not get the arrays' proof goes ahead when the node itself
    /// is proven safe in its current boot (powered off, isolated by a provider, confirmed down by
    /// a human): the record says which step proved it.
    private func provenOrAsIs(_ outcome: StepOutcome, step: RemediationStep, tracked: inout TrackedRecord,
                              proof: Podguard_V1_LadderStep?, bootID: String?) -> StepOutcome {
        guard let proof else { return outcome }
        let unproven: String
        switch outcome {
        case .failed(let reason, let message) where NodeProofGate.answers(step, reason): unproven = message
        case .transient(_, let message, _): unproven = message
        default: return outcome
        }
        tracked.record.nodeProvenBy = proof
        tracked.record.nodeProvenBootID = bootID ?? ""
        return .succeeded(note: "the node is proven safe by its \(proof.name) step; the arrays could not prove it: \(unproven)")
    }

    private func validate(_ request: Podguard_V1_FenceRequest, liveNode: LiveNode?, arrayProofRequired: Bool) async -> StepOutcome {
        let byDriver = Dictionary(grouping: request.volumes, by: \.driver)
        let answers = await withTaskGroup(of: FenceValidation.FamilyAnswer.self) { group in
            for (driver, volumes) in byDriver {
                let family = volumes[0].family
                let nodeID = csiNodeID(driver, request, liveNode)
                let rwx = volumes.contains(where: \.readWriteMany)
                group.addTask {
                    guard let nodeID else { return .init(family: family, reply: .missingNodeID, readWriteMany: rwx) }
                    let key = ValidationBatches.Key(family: family, node: request.nodeName, csiNodeID: nodeID, readWriteMany: rwx)
                    let reply = await validations.validate(key, volumeHandles: volumes.map(\.volumeHandle), correlation: request.decisionID)
                    return .init(family: family, reply: reply, readWriteMany: rwx)
                }
            }
            var answers: [FenceValidation.FamilyAnswer] = []
            for await answer in group { answers.append(answer) }
            return answers.sorted { $0.family.rawValue < $1.family.rawValue }
        }
        // podmon passes taintpodmon=false for ArrayConnectivityLoss: a connected answer aborts then.
        let tainted = request.reason != .arrayConnectivityLoss
            && (request.nodePodguardTainted || (liveNode?.isPodguardTainted(taintKeys) ?? false))
        let context = FenceValidation.NodeContext(
            podguardTainted: tainted, unreachableNoExecute: liveNode?.isUnreachableNoExecute ?? request.nodeUnreachableNoExecute,
            skipArrayConnectionValidation: request.skipValidation, arrayProofRequired: arrayProofRequired,
            ladderAvailable: nodeRemediations != nil)
        return FenceValidation.outcome(answers, node: context)
    }

    private func fence(_ request: Podguard_V1_FenceRequest, liveNode: LiveNode?, tracked: inout TrackedRecord,
                       progress: (inout TrackedRecord) async throws -> Void) async -> StepOutcome {
        if tracked.record.volumes.count != request.volumes.count {
            tracked.record.volumes = request.volumes.map { volume in
                var status = Podguard_V1_FenceVolumeStatus()
                status.volume = volume
                return status
            }
        }
        var permanent: [String] = []
        var waiting: [(cause: TransientCause, message: String, after: Duration?)] = []
        var calls: [(index: Int, volume: Podguard_V1_FenceVolume, nodeID: String)] = []
        // Every volume, also those the record shows fenced: the record is no proof, the array's
        // answer now is (and an unpublish of an unpublished volume is a cheap success).
        for index in tracked.record.volumes.indices {
            let volume = tracked.record.volumes[index].volume
            guard let nodeID = csiNodeID(volume.driver, request, liveNode) else {
                permanent.append("\(volume.pvName): csiNodeID is not set")
                continue
            }
            calls.append((index, volume, nodeID))
        }
        // The volumes are unpublished at once (a pod's volumes may be on different arrays, each
        // call taking the array's time); each answer is recorded as it arrives.
        var recordFailure: (any Error)?
        await withTaskGroup(of: (Int, AdapterFailure?).self) { group in
            for call in calls {
                group.addTask { [adapters] in
                    (call.index, await adapters.unpublish(call.volume, node: request.nodeName, csiNodeID: call.nodeID,
                                                          fenceID: request.fenceID, correlation: request.decisionID))
                }
            }
            for await (index, failure) in group {
                let volume = tracked.record.volumes[index].volume
                tracked.record.volumes[index].attempts += 1
                switch failure {
                case nil, .notFound?:
                    // NOT_FOUND: the array knows no such volume or host mapping, so nothing is left to detach.
                    let first = !tracked.record.volumes[index].fenced
                    tracked.record.volumes[index].fenced = true
                    if first { tracked.record.volumes[index].fencedAt = Google_Protobuf_Timestamp(date: Date()) }
                    tracked.record.volumes[index].clearLastError()
                    // The first success of each volume is recorded at once (when it was cut off).
                    if first, recordFailure == nil {
                        do { try await progress(&tracked) } catch { recordFailure = error }
                    }
                case .pending(let message, let after)?:
                    tracked.record.volumes[index].lastError = Self.adapterError(.pending, message)
                    waiting.append((.pending, "\(volume.pvName): \(message)", after))
                case .unavailable(let message, let after)?:
                    tracked.record.volumes[index].lastError = Self.adapterError(.transient, message)
                    waiting.append((.unavailable, "\(volume.pvName): \(message)", after))
                case .unimplemented(let message)?, .permanent(let message)?:
                    tracked.record.volumes[index].lastError = Self.adapterError(.permanent, message)
                    permanent.append("\(volume.pvName): \(message)")
                }
            }
        }
        if let recordFailure {
            return .transient(.unavailable, "recording a fenced volume: \(recordFailure)", after: nil)
        }
        // Answers arrive in any order; the messages are stable.
        permanent.sort()
        waiting.sort { $0.message < $1.message }
        if !permanent.isEmpty {
            return .failed(.fenceFailed, "There were \(permanent.count) errors calling ControllerUnpublishVolume to fence the node: "
                + permanent.joined(separator: "; "))
        }
        if !waiting.isEmpty {
            let cause: TransientCause = waiting.contains { $0.cause == .unavailable } ? .unavailable : .pending
            return .transient(cause, waiting.map(\.message).joined(separator: "; "), after: waiting.compactMap(\.after).max())
        }
        return .succeeded(note: "\(tracked.record.volumes.count) volume(s) unpublished from the node")
    }

    private func taint(_ request: Podguard_V1_FenceRequest, liveNode: LiveNode?, proof: Podguard_V1_LadderStep?,
                       tracked: inout TrackedRecord) async -> StepOutcome {
        var taints = request.taints
        if taints.isEmpty {
            // An older request without taints: podmon's taint per driver of the pod's volumes.
            taints = Set(request.volumes.map(\.driver)).sorted().compactMap { taintKeys.podguard[$0] }.map { key in
                var taint = Podguard_V1_Taint()
                taint.key = key
                taint.effect = .noSchedule
                return taint
            }
        }
        // The fast path: a node proven safe (powered off, confirmed down, or every attached volume
        // fenced) is out of service, and Kubernetes may force-delete its pods and detach their
        // volumes at once. Its pod deletes are this remediation's doing from here on, so the
        // intent is recorded with the taint.
        if case .apply(let because) = outOfService(request, podguardTainted: !taints.isEmpty, liveNode: liveNode, proof: proof,
                                                   record: tracked.record) {
            var outOfService = Podguard_V1_Taint()
            outOfService.key = TaintKeys.outOfService
            outOfService.value = TaintKeys.outOfServiceValue
            outOfService.effect = .noExecute
            taints.append(outOfService)
            if let proof, proof != .storage {
                tracked.record.nodeProvenBy = proof
                tracked.record.nodeProvenBootID = liveNode?.bootID ?? ""
            }
            tracked.record.outOfServiceBecause = because
            if !tracked.record.hasPodDeleteIssuedAt { tracked.record.podDeleteIssuedAt = Google_Protobuf_Timestamp(date: Date()) }
        }
        do {
            var notes: [String] = []
            for taint in taints {
                // The node was read a moment ago by the safety check of this same delivery.
                let present = liveNode?.taints.contains { $0.key == taint.key && $0.effect == taint.effect.kubernetesName } ?? false
                let added = present ? false : try await kube.addTaint(taint, to: request.nodeName)
                if !tracked.record.taintsApplied.contains(where: { $0.key == taint.key && $0.effect == taint.effect }) {
                    tracked.record.taintsApplied.append(taint)
                }
                notes.append("\(taint.key) \(added ? "added" : "already present")")
            }
            return .succeeded(note: notes.isEmpty ? "no podguard taint to add" : notes.joined(separator: ", "))
        } catch {
            return KubeFailure.outcome(error, abort: .taintFailed, doing: "tainting node \(request.nodeName)")
        }
    }

    private func outOfService(_ request: Podguard_V1_FenceRequest, podguardTainted: Bool, liveNode: LiveNode?,
                              proof: Podguard_V1_LadderStep?, record: Podguard_V1_FenceRecord) -> OutOfServiceGate.Verdict {
        guard outOfServiceTaint else { return .withhold("the out-of-service fast path is off") }
        // A fence the index has not seen yet only withholds the taint: never the unsafe way.
        return OutOfServiceGate.verdict(podguardTainted: podguardTainted, proof: proof, afterStorageFence: fencedVolumes != nil, attached: liveNode?.attachedVolumes,
                                        fenced: fencedVolumes?.fenced(on: request.nodeName, with: record) ?? [])
    }

    private func deleteAttachments(_ request: Podguard_V1_FenceRequest, tracked: inout TrackedRecord) async -> StepOutcome {
        do {
            // A VolumeAttachment's name is fixed by (volume handle, driver, node), so the names the
            // watcher saw are the ones to delete. Only when one is unknown are all of them listed,
            // as podmon does for every pod — a list that is megabytes in a large cluster.
            var names = Set(request.volumes.map(\.volumeAttachmentName).filter { !$0.isEmpty })
            if names.count < Set(request.volumes.map(\.pvName)).count {
                names.formUnion(try await kube.attachments(node: request.nodeName, persistentVolumes: Set(request.volumes.map(\.pvName))))
            }
            var deleted = 0
            for name in names.sorted() where try await kube.deleteAttachment(name) { deleted += 1 }
            for index in tracked.record.volumes.indices { tracked.record.volumes[index].attachmentDeleted = true }
            return .succeeded(note: "\(deleted) VolumeAttachment(s) deleted, \(names.count - deleted) already gone")
        } catch {
            return KubeFailure.outcome(error, abort: .attachmentDeleteFailed, doing: "deleting VolumeAttachments")
        }
    }

    private func deletePod(_ request: Podguard_V1_FenceRequest) async -> StepOutcome {
        let force = request.reason != .crashLoopBackOff
        do {
            switch try await kube.deletePod(namespace: request.pod.namespace, name: request.pod.name, uid: request.pod.uid,
                                            gracePeriod: force ? 0 : nil) {
            case .deleted: return .succeeded(note: force ? "pod force-deleted (grace 0, uid precondition)" : "pod deleted (normal grace period)")
            case .gone: return .podGone("pod \(request.pod.namespace)/\(request.pod.name) is gone")
            case .replaced: return .podGone("pod \(request.pod.namespace)/\(request.pod.name) now has another uid")
            }
        } catch {
            return KubeFailure.outcome(error, abort: .podDeleteFailed, doing: "deleting the pod")
        }
    }

    // MARK: Helpers

    /// The node's CSI node id for a driver: the request's (the last known value, even if the live
    /// node lost its annotation), else the live node's.
    private func csiNodeID(_ driver: String, _ request: Podguard_V1_FenceRequest, _ liveNode: LiveNode?) -> String? {
        let id = request.csiNodeIds[driver].flatMap { $0.isEmpty ? nil : $0 } ?? liveNode?.csiNodeIDs[driver]
        return (id?.isEmpty ?? true) ? nil : id
    }

    static func adapterError(_ kind: Podguard_V1_AdapterError.Kind, _ message: String) -> Podguard_V1_AdapterError {
        var error = Podguard_V1_AdapterError()
        error.kind = kind
        error.message = message
        return error
    }
}
