import Contracts
import FencingService
import Testing

@Suite("volumes kept fenced until cleanup: which attachments re-publish them")
struct RepublicationWatchListTests {
    static func record(phase: Podguard_V1_FencePhase = .podDeleted, cleaned: Bool = false, dryRun: Bool = false,
                       reason: Podguard_V1_FenceReason = .nodeFailure) -> Podguard_V1_FenceRecord {
        var record = Podguard_V1_FenceRecord()
        record.fenceID = "f1"
        record.nodeName = "w1"
        record.phase = phase
        record.dryRun = dryRun
        record.nodeCleanup.cleaned = cleaned
        record.pod.namespace = "db"
        record.pod.name = "pg-0"
        record.request.reason = reason
        record.request.csiNodeIds = ["csi-vxflexos.dellemc.com": "sdc-w1"]
        var volume = Podguard_V1_FenceVolume()
        volume.pvName = "pv-1"
        volume.driver = "csi-vxflexos.dellemc.com"
        record.request.volumes = [volume]
        return record
    }

    static let onFencedNode = RepublicationWatchList.Attachment(name: "csi-a", node: "w1", persistentVolume: "pv-1")
    static let onNewNode = RepublicationWatchList.Attachment(name: "csi-b", node: "w2", persistentVolume: "pv-1")
    static let otherVolume = RepublicationWatchList.Attachment(name: "csi-c", node: "w1", persistentVolume: "pv-2")

    @Test("after the pod delete and before cleanup, an attachment of a fenced volume to the fenced node is found; the replacement's is not")
    func found() {
        var list = RepublicationWatchList()
        list.update(fenceKey: "uid-1", record: Self.record())
        let found = list.republished([Self.onFencedNode, Self.onNewNode, Self.otherVolume])
        #expect(found.map(\.attachment.name) == ["csi-a"])
        #expect(found.first?.fenced.csiNodeID == "sdc-w1")
        #expect(found.first?.fenced.pod == "db/pg-0")
    }

    @Test("nothing is watched before the delete, after cleanup, in a dry run, for a crash-loop delete, or once the record is gone",
          arguments: [record(phase: .fenced), record(cleaned: true), record(dryRun: true), record(reason: .crashLoopBackOff),
                      record(phase: .aborted)])
    func notWatched(_ record: Podguard_V1_FenceRecord) {
        var list = RepublicationWatchList()
        list.update(fenceKey: "uid-1", record: record)
        #expect(list.isEmpty)
        #expect(list.republished([Self.onFencedNode]).isEmpty)
    }

    @Test("a record that is cleaned or deleted leaves the list")
    func leaves() {
        var list = RepublicationWatchList()
        list.update(fenceKey: "uid-1", record: Self.record())
        #expect(list.count == 1)
        list.update(fenceKey: "uid-1", record: Self.record(cleaned: true))
        #expect(list.isEmpty)
        list.update(fenceKey: "uid-1", record: Self.record())
        list.update(fenceKey: "uid-1", record: nil)
        #expect(list.isEmpty)
    }
}
