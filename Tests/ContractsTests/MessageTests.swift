// Round trips of a few messages (binary and JSON) and hand-computed wire encodings that pin the
// field numbers documented in proto/ and docs/bus-contract.md.

import Contracts
import Foundation
import SwiftProtobuf
import Testing

@Suite("Messages")
struct MessageTests {
    static func header(_ producer: String = "watcher/watcher-0") -> Podguard_V1_Header {
        var header = Podguard_V1_Header()
        header.producerID = producer
        header.producedAt = Google_Protobuf_Timestamp(seconds: 1_700_000_000, nanos: 123_000_000)
        header.correlationID = "d-1"
        header.producerVersion = "0.1.0"
        return header
    }

    static func podState() -> Podguard_V1_PodState {
        var pod = Podguard_V1_PodState()
        pod.header = header()
        pod.namespace = "db"
        pod.name = "postgres-0"
        pod.uid = "7520ba2a-0000-4000-8000-000000000001"
        pod.nodeName = "worker-1.example.com"
        pod.phase = "Running"
        pod.ready = .false
        pod.hostIp = "10.0.0.11"
        var container = Podguard_V1_ContainerState()
        container.name = "postgres"
        container.containerID = "containerd://4f1c"
        container.status = .waiting
        container.waitingReason = "CrashLoopBackOff"
        container.restartCount = 4
        pod.containers = [container]
        pod.crashLoopBackOff = true
        pod.ownerKind = "StatefulSet"
        pod.ownerName = "postgres"
        pod.protectionLabelValue = "csi-vxflexos"
        pod.affinityLabels = ["app": "postgres", "tier": "db"]
        var volume = Podguard_V1_VolumeState()
        volume.pvcName = "data-postgres-0"
        volume.pvName = "pvc-1"
        volume.driver = "csi-vxflexos.dellemc.com"
        volume.family = .powerflex
        volume.volumeHandle = "14dbbf5617523654-3456"
        volume.accessModes = ["ReadWriteOnce"]
        volume.bound = true
        volume.arrayIds = ["14dbbf5617523654"]
        pod.volumes = [volume]
        pod.deletionGracePeriodSeconds = 0
        pod.resourceVersion = "4711"
        return pod
    }

    static func fenceRecord() -> Podguard_V1_FenceRecord {
        var request = Podguard_V1_FenceRequest()
        request.header = header("decision/decision-7c9f")
        request.fenceID = "f-1"
        request.decisionID = "d-1"
        request.pod.namespace = "db"
        request.pod.name = "postgres-0"
        request.pod.uid = "uid-1"
        request.nodeName = "worker-1"
        request.csiNodeIds = ["csi-vxflexos.dellemc.com": "9E56672F"]
        request.reason = .nodeFailure
        var volume = Podguard_V1_FenceVolume()
        volume.pvName = "pvc-1"
        volume.family = .powerflex
        volume.volumeHandle = "14dbbf5617523654-3456"
        request.volumes = [volume]
        var taint = Podguard_V1_Taint()
        taint.key = "vxflexos.podmon.storage.dell.com"
        taint.effect = .noSchedule
        request.taints = [taint]

        var record = Podguard_V1_FenceRecord()
        record.header = header("fencing/fencing-1")
        record.fenceID = request.fenceID
        record.decisionID = request.decisionID
        record.pod = request.pod
        record.nodeName = request.nodeName
        record.reason = request.reason
        record.phase = .aborted
        record.abortReason = .fenceFailed
        var status = Podguard_V1_FenceVolumeStatus()
        status.volume = volume
        status.attempts = 3
        status.lastError.kind = .pending
        status.lastError.message = "unpublish pending"
        status.lastError.retryAfter = Google_Protobuf_Duration(seconds: 30)
        record.volumes = [status]
        var transition = Podguard_V1_FencePhaseTransition()
        transition.phase = .requested
        transition.at = Google_Protobuf_Timestamp(seconds: 1_700_000_001)
        transition.by = "fencing/fencing-1"
        record.transitions = [transition]
        record.request = request
        return record
    }

    @Test("PodState round-trips through binary and JSON")
    func podStateRoundTrip() throws {
        let pod = Self.podState()
        let bytes: [UInt8] = try pod.serializedBytes()
        #expect(try Podguard_V1_PodState(serializedBytes: bytes) == pod)
        let json = try pod.jsonString()
        #expect(try Podguard_V1_PodState(jsonString: json) == pod)
        #expect(json.contains(#""nodeName":"worker-1.example.com""#))
        #expect(json.contains(#""ready":"CONDITION_STATUS_FALSE""#))
        // proto3 optional: an explicit 0 (force delete) is kept and distinguishable from unset.
        #expect(try Podguard_V1_PodState(serializedBytes: bytes).hasDeletionGracePeriodSeconds)
        #expect(!Podguard_V1_PodState().hasDeletionGracePeriodSeconds)
    }

    @Test("FenceRecord with nested request, errors and enums round-trips")
    func fenceRecordRoundTrip() throws {
        let record = Self.fenceRecord()
        let bytes: [UInt8] = try record.serializedBytes()
        let decoded = try Podguard_V1_FenceRecord(serializedBytes: bytes)
        #expect(decoded == record)
        #expect(decoded.volumes.first?.lastError.kind == .pending)
        #expect(decoded.request.taints.first?.effect == .noSchedule)
        let json = try record.jsonString()
        #expect(try Podguard_V1_FenceRecord(jsonString: json) == record)
        #expect(json.contains(#""phase":"FENCE_PHASE_ABORTED""#))
        #expect(json.contains(#""retryAfter":"30s""#))
    }

    @Test("Alert and ArrayConnectivity round-trip; JSON uses the proto names of enum values")
    func alertAndConnectivityRoundTrip() throws {
        var alert = Podguard_V1_Alert()
        alert.header = Self.header("fencing/fencing-1")
        alert.alertID = "a-1"
        alert.severity = .critical
        alert.reason = "FenceAborted"
        alert.summary = "pod db/postgres-0 not moved: couldn't fence volumes"
        alert.labels = ["family": "powerflex"]
        let json = try alert.jsonString()
        #expect(json.contains(#""severity":"SEVERITY_CRITICAL""#))
        #expect(try Podguard_V1_Alert(jsonString: json) == alert)
        #expect(try Podguard_V1_Alert(serializedBytes: alert.serializedBytes() as [UInt8]) == alert)

        var connectivity = Podguard_V1_ArrayConnectivity()
        connectivity.header = Self.header("array-prober/array-prober-0")
        connectivity.nodeName = "worker-1"
        connectivity.family = .powerstore
        var sample = Podguard_V1_ArraySample()
        sample.arrayID = "PS4ebb8d4e8488"
        sample.connectivity = .disconnected
        sample.consecutiveFailures = 3
        connectivity.arrays = [sample]
        connectivity.verdict = .lost
        connectivity.lossThreshold = 3
        connectivity.pollInterval = Google_Protobuf_Duration(seconds: 15)
        #expect(try Podguard_V1_ArrayConnectivity(jsonString: connectivity.jsonString()) == connectivity)
        #expect(try Podguard_V1_ArrayConnectivity(serializedBytes: connectivity.serializedBytes() as [UInt8])
                == connectivity)
    }

    @Test("a decoder keeps fields it does not know (forward compatibility)")
    func unknownFieldsSurvive() throws {
        // ObjectRef{name: "p"} followed by field 15 (varint 1), which v1 does not define.
        let bytes: [UInt8] = [0x12, 0x01, 0x70, 0x78, 0x01]
        let ref = try Podguard_V1_ObjectRef(serializedBytes: bytes)
        #expect(ref.name == "p")
        #expect(try ref.serializedBytes() as [UInt8] == bytes)
    }

    // MARK: Known encodings (hand-computed; they prove the field numbers in the docs)

    @Test("ObjectRef{namespace, name, uid} is fields 1, 2, 3")
    func objectRefEncoding() throws {
        var ref = Podguard_V1_ObjectRef()
        ref.namespace = "ns"
        ref.name = "p"
        ref.uid = "u"
        // 0x0a = field 1, length-delimited; 0x12 = field 2; 0x1a = field 3.
        let expected: [UInt8] = [0x0a, 0x02, 0x6e, 0x73, 0x12, 0x01, 0x70, 0x1a, 0x01, 0x75]
        #expect(try ref.serializedBytes() as [UInt8] == expected)
        #expect(try Podguard_V1_ObjectRef(serializedBytes: expected) == ref)
    }

    @Test("Taint{key=1, effect=3 (NO_EXECUTE=3), time_added=4 (Timestamp seconds=1, nanos=2)}")
    func taintEncoding() throws {
        var taint = Podguard_V1_Taint()
        taint.key = "k"
        taint.effect = .noExecute
        taint.timeAdded = Google_Protobuf_Timestamp(seconds: 1, nanos: 2)
        // 0a 01 'k' | 18 03 (field 3 varint 3) | 22 04 (field 4, 4 bytes) 08 01 10 02
        let expected: [UInt8] = [0x0a, 0x01, 0x6b, 0x18, 0x03, 0x22, 0x04, 0x08, 0x01, 0x10, 0x02]
        #expect(try taint.serializedBytes() as [UInt8] == expected)
    }

    @Test("Alert{header=1 {producer_id=1}, severity=3 (CRITICAL=3), reason=4}")
    func alertEncoding() throws {
        var alert = Podguard_V1_Alert()
        alert.header.producerID = "a"
        alert.severity = .critical
        alert.reason = "R"
        // 0a 03 (header, 3 bytes) 0a 01 'a' | 18 03 | 22 01 'R'
        let expected: [UInt8] = [0x0a, 0x03, 0x0a, 0x01, 0x61, 0x18, 0x03, 0x22, 0x01, 0x52]
        #expect(try alert.serializedBytes() as [UInt8] == expected)
        let decoded = try Podguard_V1_Alert(serializedBytes: expected)
        #expect(decoded.header.producerID == "a" && decoded.severity == .critical && decoded.reason == "R")
    }

    @Test("ConditionStatus values are UNKNOWN=0, TRUE=1, FALSE=2")
    func conditionStatusValues() {
        #expect(Podguard_V1_ConditionStatus.unknown.rawValue == 0)
        #expect(Podguard_V1_ConditionStatus.true.rawValue == 1)
        #expect(Podguard_V1_ConditionStatus.false.rawValue == 2)
        #expect(Podguard_V1_FencePhase.podDeleted.rawValue == 7)
        #expect(Podguard_V1_FencePhase.aborted.rawValue == 8)
    }

    @Test("every message registered on the bus has `Header header = 1`", arguments: PayloadTypeRegistry.standard.allMessageTypes.map { $0.protoMessageName })
    func everyTopLevelMessageHasHeader(name: String) throws {
        let type = try #require(PayloadTypeRegistry.standard.allMessageTypes.first { $0.protoMessageName == name })
        // Field 1, length-delimited, containing Header{producer_id: "x"}.
        let message = try type.init(serializedBytes: [0x0a, 0x03, 0x0a, 0x01, 0x78] as [UInt8])
        let json = try message.jsonString()
        #expect(json.contains(#""header":{"producerId":"x"}"#), "\(name) field 1 is not the Header: \(json)")
    }
}

@Suite("ConnectivityFreshness")
struct ConnectivityFreshnessTests {
    @Test("current for three poll intervals (at least 10 s) after the server stored it; the producer's time is not read")
    func storedTimeDecides() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var verdict = Podguard_V1_ArrayConnectivity()
        verdict.header.producedAt = Google_Protobuf_Timestamp(date: now.addingTimeInterval(-3600))
        verdict.pollInterval = Google_Protobuf_Duration(seconds: 15)
        #expect(ConnectivityFreshness.isCurrent(verdict, storedAt: now.addingTimeInterval(-44), at: now))
        #expect(!ConnectivityFreshness.isCurrent(verdict, storedAt: now.addingTimeInterval(-45), at: now))
        verdict.pollInterval = Google_Protobuf_Duration(seconds: 1)
        #expect(ConnectivityFreshness.isCurrent(verdict, storedAt: now.addingTimeInterval(-9), at: now))
        #expect(!ConnectivityFreshness.isCurrent(verdict, storedAt: now.addingTimeInterval(-10), at: now))
        verdict.clearPollInterval()
        #expect(ConnectivityFreshness.isCurrent(verdict, storedAt: now.addingTimeInterval(-44), at: now))
        #expect(!ConnectivityFreshness.isCurrent(verdict, storedAt: now.addingTimeInterval(-46), at: now))
    }
}
