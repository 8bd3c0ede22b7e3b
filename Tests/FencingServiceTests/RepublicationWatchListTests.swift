import Contracts
import FencingCore
import FencingService
import Foundation
import SwiftProtobuf
import Testing

@Suite("volumes kept fenced until cleanup: which attachments re-publish them")
struct RepublicationWatchListTests {
    static let cleanedAt = Date(timeIntervalSince1970: 1_800_000_000)

    static func record(phase: Podguard_V1_FencePhase = .podDeleted, cleaned: Bool = false, dryRun: Bool = false,
                       reason: Podguard_V1_FenceReason = .nodeFailure) -> Podguard_V1_FenceRecord {
        var record = Podguard_V1_FenceRecord()
        record.fenceID = "f1"
        record.nodeName = "w1"
        record.phase = phase
        record.dryRun = dryRun
        record.nodeCleanup.cleaned = cleaned
        if cleaned { record.nodeCleanup.cleanedAt = .init(date: cleanedAt) }
        record.pod.uid = "uid-1"
        record.pod.namespace = "db"
        record.pod.name = "pg-0"
        record.request.reason = reason
        record.request.csiNodeIds = ["csi-vxflexos.dellemc.com": "sdc-w1"]
        var volume = Podguard_V1_FenceVolume()
        volume.pvName = "pv-1"
        volume.driver = "csi-vxflexos.dellemc.com"
        volume.pvcName = "data-pg-0"
        record.request.volumes = [volume]
        return record
    }

    static let onFencedNode = RepublicationWatchList.Attachment(name: "csi-a", node: "w1", persistentVolume: "pv-1")
    static let onNewNode = RepublicationWatchList.Attachment(name: "csi-b", node: "w2", persistentVolume: "pv-1")
    static let otherVolume = RepublicationWatchList.Attachment(name: "csi-c", node: "w1", persistentVolume: "pv-2")

    static func list() -> RepublicationWatchList { RepublicationWatchList(graceAfterCleanup: .seconds(15)) }

    @Test("after the pod delete and before cleanup, an attachment of a fenced volume to the fenced node is found; the replacement's is not")
    func found() {
        var list = Self.list()
        list.update(fenceKey: "uid-1", record: Self.record())
        let found = list.republished([Self.onFencedNode, Self.onNewNode, Self.otherVolume])
        #expect(found.map(\.attachment.name) == ["csi-a"])
        #expect(found.first?.fenced.csiNodeID == "sdc-w1")
        #expect(found.first?.fenced.pod == "db/pg-0")
        #expect(found.first?.afterCleanup == false)
    }

    @Test("nothing is watched before the delete, in a dry run, for a crash-loop delete, or once the record is gone",
          arguments: [record(phase: .fenced), record(dryRun: true), record(reason: .crashLoopBackOff), record(phase: .aborted)])
    func notWatched(_ record: Podguard_V1_FenceRecord) {
        var list = Self.list()
        list.update(fenceKey: "uid-1", record: record)
        #expect(list.isEmpty)
        #expect(list.republished([Self.onFencedNode]).isEmpty)
    }

    @Test("after cleanup the volume stays watched for the grace, as a match the guard checks against the node's pods")
    func graceAfterCleanup() {
        var list = Self.list()
        list.update(fenceKey: "uid-1", record: Self.record(cleaned: true))
        list.expire(at: Self.cleanedAt.addingTimeInterval(14.9))
        let found = list.republished([Self.onFencedNode])
        #expect(found.count == 1)
        #expect(found.first?.afterCleanup == true)
        #expect(found.first?.fenced.namespace == "db")
        #expect(found.first?.fenced.podUID == "uid-1")
        #expect(found.first?.fenced.volume.pvcName == "data-pg-0")
        list.expire(at: Self.cleanedAt.addingTimeInterval(15))
        #expect(list.isEmpty)
        #expect(list.republished([Self.onFencedNode]).isEmpty)
    }

    @Test("a record not yet cleaned never expires, however old")
    func uncleanedStays() {
        var list = Self.list()
        list.update(fenceKey: "uid-1", record: Self.record())
        list.expire(at: Date.distantFuture)
        #expect(list.count == 1)
    }

    @Test("a record cleaned past its grace, or deleted, leaves the list")
    func leaves() {
        var list = Self.list()
        list.update(fenceKey: "uid-1", record: Self.record())
        #expect(list.count == 1)
        list.update(fenceKey: "uid-1", record: Self.record(cleaned: true))
        #expect(list.count == 1)
        list.expire(at: Self.cleanedAt.addingTimeInterval(60))
        #expect(list.isEmpty)
        list.update(fenceKey: "uid-1", record: Self.record())
        list.update(fenceKey: "uid-1", record: nil)
        #expect(list.isEmpty)
    }
}
