import ArrayFamily
import CSI
import CSISimulator
import Foundation
import Kube
import Logging
import Synchronization

/// The CSI external-attacher of every simulated family, for this cluster's nodes only: a new
/// VolumeAttachment gets its finalizer, ControllerPublish on the family's controller plugin and
/// `status.attached`; a deleted one gets ControllerUnpublish, then loses its finalizer.
final class ExternalAttacher: Sendable {
    private let context: ClusterContext
    private let nodeNames: Set<String>
    private let controllers: [ArrayFamilyID: CSIClient]
    /// Volume handle per attachment name, for detaching after the PV is gone.
    private let handles = Mutex<[String: String]>([:])
    /// When a failed attachment may be retried, by name (the real attacher backs off too).
    private let retryAfter = Mutex<[String: ContinuousClock.Instant]>([:])

    init(context: ClusterContext, nodeNames: Set<String>, controllers: [ArrayFamilyID: CSIClient]) {
        self.context = context
        self.nodeNames = nodeNames
        self.controllers = controllers
    }

    /// The finalizer the external-attacher puts on a VolumeAttachment: the driver name with every
    /// character outside `[a-zA-Z0-9-]` replaced by `-`.
    static func finalizer(driver: String) -> String {
        let sanitized = String(driver.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "-" })
        return "external-attacher/\(sanitized)"
    }

    func sync() async {
        for attachment in context.attachments.list() {
            guard let spec = attachment.spec, nodeNames.contains(spec.nodeName),
                  let family = context.family(driver: spec.attacher) else { continue }
            if let until = retryAfter.withLock({ $0[attachment.name] }), ContinuousClock.now < until { continue }
            do {
                if attachment.metadata.deletionTimestamp != nil {
                    try await detach(attachment, spec: spec, family: family)
                } else if attachment.status?.attached != true {
                    try await attach(attachment, spec: spec, family: family)
                }
                _ = retryAfter.withLock { $0.removeValue(forKey: attachment.name) }
            } catch {
                retryAfter.withLock { $0[attachment.name] = .now + .seconds(1) }
                context.logger.debug("attacher: will retry", metadata: ["va": "\(attachment.name)", "error": "\(error)"])
            }
        }
    }

    private func attach(_ attachment: VolumeAttachment, spec: VolumeAttachmentSpec, family: ArrayFamilyID) async throws {
        guard let pvName = spec.source.persistentVolumeName, let controller = controllers[family],
              let backend = context.backends[family] else { return }
        let finalizer = Self.finalizer(driver: spec.attacher)
        if !(attachment.metadata.finalizers ?? []).contains(finalizer) {
            try await context.client.update(VolumeAttachment.self, name: attachment.name) { va in
                if !(va.metadata.finalizers ?? []).contains(finalizer) { va.metadata.finalizers = (va.metadata.finalizers ?? []) + [finalizer] }
            }
        }
        let pv = try await context.client.get(PersistentVolume.self, name: pvName)
        guard let handle = pv.spec?.csi?.volumeHandle, let nodeID = backend.array.nodeID(of: spec.nodeName) else { return }
        handles.withLock { $0[attachment.name] = handle }
        let status: JSONValue
        do {
            let publishContext = try await controller.controllerPublish(
                volumeID: handle, nodeID: nodeID, capability: pv.csiCapability, readonly: pv.spec?.csi?.readOnly ?? false,
                volumeContext: pv.spec?.csi?.volumeAttributes ?? [:])
            status = .object(["attached": .bool(true), "attachmentMetadata": .object(publishContext.mapValues(JSONValue.string)),
                              "attachError": .null])
            context.logger.info("attached", metadata: ["va": "\(attachment.name)", "node": "\(spec.nodeName)", "volume": "\(handle)"])
        } catch {
            status = .object(["attached": .bool(false), "attachError": .object([
                "time": .string(KubeTime.format(Date())), "message": .string("\(error)"),
            ])])
            _ = try? await context.client.patch(VolumeAttachment.self, name: attachment.name,
                                                patch: .merge(.object(["status": status])), subresource: "status")
            throw error
        }
        _ = try await context.client.patch(VolumeAttachment.self, name: attachment.name,
                                           patch: .merge(.object(["status": status])), subresource: "status")
    }

    private func detach(_ attachment: VolumeAttachment, spec: VolumeAttachmentSpec, family: ArrayFamilyID) async throws {
        let finalizer = Self.finalizer(driver: spec.attacher)
        guard (attachment.metadata.finalizers ?? []).contains(finalizer) else { return }
        var handle = handles.withLock { $0[attachment.name] }
        if handle == nil, let pvName = spec.source.persistentVolumeName {
            handle = try await context.client.getIfPresent(PersistentVolume.self, name: pvName)?.spec?.csi?.volumeHandle
        }
        if let handle, let controller = controllers[family], let nodeID = context.backends[family]?.array.nodeID(of: spec.nodeName) {
            try await controller.controllerUnpublish(volumeID: handle, nodeID: nodeID)
            context.logger.info("detached", metadata: ["va": "\(attachment.name)", "node": "\(spec.nodeName)", "volume": "\(handle)"])
        }
        try await context.client.update(VolumeAttachment.self, name: attachment.name) { va in
            va.metadata.finalizers?.removeAll { $0 == finalizer }
            if va.metadata.finalizers?.isEmpty == true { va.metadata.finalizers = nil }
        }
        _ = handles.withLock { $0.removeValue(forKey: attachment.name) }
    }
}
