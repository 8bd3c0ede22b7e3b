import Bus
import BusService
import Contracts
import FencingCore
import Foundation
import Kube
import Logging
import Metrics
import ServiceLifecycle

/// Keeps fenced volumes fenced until node-cleanup has cleaned their node: while some remediation
/// waits for cleanup, or cleaned less than three check intervals ago (`RepublicationWatchList`),
/// lists the VolumeAttachments every `interval`, and for one that publishes a fenced volume to its
/// fenced node again, unpublishes the volume from that node (ControllerUnpublishVolume,
/// idempotent), deletes the attachment and raises a critical `FencedVolumeRepublished` Alert.
/// After cleanup, an attachment a pod now on that node uses is left alone. Every replica checks;
/// the actions are idempotent, so two replicas doing the same cost one extra call.
struct RepublicationGuard: FencingComponent {
    let context: FencingContext
    let kube: FencingKube
    let adapters: AdapterCaller
    let interval: Duration

    enum Input: Sendable {
        case fence(key: String, Podguard_V1_FenceRecord?)
        case tick
    }

    func run() async {
        let (inputs, sink) = AsyncStream<Input>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await fences.follow(into: sink, logger: logger) { .fence(key: $0, $1) } }
            group.addTask { [interval] in await sink.yieldTicks(every: interval, .tick) }
            var watchList = RepublicationWatchList(graceAfterCleanup: interval * 3)
            for await input in inputs.cancelOnGracefulShutdown() {
                switch input {
                case .fence(let key, let record): watchList.update(fenceKey: key, record: record)
                case .tick:
                    watchList.expire(at: Date())
                    Gauge(label: "podguard_fencing_volumes_guarded").record(watchList.count)
                    guard !watchList.isEmpty else { continue }
                    await check(watchList)
                }
            }
            group.cancelAll()
        }
    }

    private func check(_ watchList: RepublicationWatchList) async {
        let attachments: [RepublicationWatchList.Attachment]
        do {
            attachments = try await kube.allAttachments()
        } catch {
            logger.warning("could not list VolumeAttachments to look for re-published fenced volumes; next time", metadata: ["error": "\(error)"])
            return
        }
        for match in watchList.republished(attachments) {
            if await wanted(match) { continue }
            let (attachment, fenced) = (match.attachment, match.fenced)
            logger.critical("a fenced volume is attached to its fenced node again; unpublishing it and deleting the attachment", metadata: [
                "pod": "\(fenced.pod)", "node": "\(fenced.node)", "pv": "\(fenced.volume.pvName)", "attachment": "\(attachment.name)"])
            Counter(label: "podguard_fencing_republications_total", dimensions: [("family", PodguardSubjects.token(fenced.volume.family))]).increment()
            var failure: AdapterFailure?
            if !fenced.csiNodeID.isEmpty {
                failure = await adapters.unpublish(fenced.volume, node: fenced.node, csiNodeID: fenced.csiNodeID,
                                                   fenceID: fenced.fenceID, correlation: fenced.fenceID)
            }
            let deleted = (try? await kube.deleteAttachment(attachment.name)) ?? false
            let alert = messages.republishedAlert(fenced, attachment: attachment.name, unpublished: failure == nil && !fenced.csiNodeID.isEmpty,
                                                   failure: failure.map { "\($0)" }, attachmentDeleted: deleted, now: Date())
            do {
                try await jetStream.publish(alert: alert, subjects: subjects)
            } catch {
                logger.error("could not publish the FencedVolumeRepublished alert", metadata: ["error": "\(error)"])
            }
        }
    }

    /// After cleanup the node's taint goes and a new pod may use the volume there; unknown (the
    /// list failed) counts as wanted: cutting a working pod's volume is not a safe guess.
    private func wanted(_ match: RepublicationWatchList.Match) async -> Bool {
        guard match.afterCleanup else { return false }
        do {
            return try await kube.podOnNodeUses(claim: match.fenced.volume.pvcName, namespace: match.fenced.namespace,
                                                node: match.attachment.node, excludingUID: match.fenced.podUID)
        } catch {
            logger.warning("could not list the pods on the cleaned node; leaving its attachment alone", metadata: [
                "node": "\(match.attachment.node)", "attachment": "\(match.attachment.name)", "error": "\(error)"])
            return true
        }
    }
}
