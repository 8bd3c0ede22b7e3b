import Bus
import Contracts
import FencingService
import Foundation
import Kube
import SwiftProtobuf
import Synchronization
import Testing

@Suite("the work queue names a FenceRecord; the record is authoritative", .serialized, .timeLimit(.minutes(5)))
struct FenceWorkTests {
    @Test("work for no record, for another remediation's record, or for a record without a usable request changes nothing")
    func workWithoutItsRecord() async throws {
        try await FencingBed.with { bed in
            try await bed.startFencing(FencingBed.settings("fencing-a"))
            let node = try await bed.makeNode()
            let (pod, volumes) = try await bed.makePod("pg-0", on: node)
            bed.disconnect()
            let request = bed.request(for: pod, node: node, volumes: volumes)
            let subject = PodguardSubjects.standard.fenceRequest(request.nodeName)

            // 1. No record at all: acknowledged, nothing created, nothing done.
            try await bed.jetStream.publish(Podguard_V1_FenceWork(naming: request), to: subject, messageID: request.fenceID)
            try await Task.sleep(for: .seconds(3))
            #expect(try await bed.record(pod.metadata.uid!) == nil)

            // 2. The record belongs to another remediation: the work is stale.
            var other = request
            other.fenceID = "another-fence"
            let key = PodguardKeys.fence(podUID: pod.metadata.uid!)
            _ = try await bed.fences.create(key, message: FencingBed.requestedRecord(other))
            try await bed.jetStream.publish(Podguard_V1_FenceWork(naming: request), to: subject, messageID: request.fenceID + ".2")
            try await Task.sleep(for: .seconds(3))
            #expect(try await bed.record(pod.metadata.uid!)?.phase == .requested)

            // 3. The record's own request is unusable (written by hand, say): rejected with an alert.
            var broken = FencingBed.requestedRecord(request)
            broken.request.pod.name = ""
            let current = try #require(try await bed.fences.get(key))
            _ = try await bed.fences.update(key, message: broken, expectedRevision: current.revision)
            try await bed.jetStream.publish(Podguard_V1_FenceWork(naming: request), to: subject, messageID: request.fenceID + ".3")
            try await eventually("RequestRejected alert") {
                bed.alerts.withLock { $0.contains { $0.reason == "RequestRejected" && $0.summary.contains("cannot be carried out") } }
            }
            #expect(try await bed.record(pod.metadata.uid!)?.phase == .requested)
            try await bed.expectNothingChanged(pod: pod, node: node, volumes: volumes)
            try? await bed.kube.delete(Node.self, name: node.metadata.name!)
        }
    }
}
