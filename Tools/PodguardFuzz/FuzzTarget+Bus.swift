import Contracts
import SwiftProtobuf

/// The bus contract: every protobuf message of proto/podguard/v1 as the typed bus layer decodes a
/// payload (`ProtobufCoding.decode` in Libraries/Bus/Typed/TypedMessage.swift is
/// `M(serializedBytes:)`; it is internal to Bus, so the target calls that initializer, the same one
/// `PayloadTypeRegistry.decode` of Libraries/Contracts/PayloadType.swift, podguard-tap's decoder, calls).
extension FuzzTarget {
    /// Every message of the contract, in a fixed order: the first input byte picks one.
    static let contractMessages: [(type: any SwiftProtobuf.Message.Type, seed: String)] = [
        (Podguard_V1_AdapterError.self, #"kind: KIND_PENDING message: "volume is being published" grpc_code: 14 retry_after { seconds: 5 }"#),
        (Podguard_V1_Alert.self, #"header { producer_id: "fencing/fencing-0" produced_at { seconds: 1765000000 nanos: 5 } correlation_id: "d-1" producer_version: "1.4.0" } alert_id: "a-1" severity: SEVERITY_CRITICAL reason: "FenceAborted" summary: "pod not moved" pod { namespace: "db" name: "pg-0" uid: "u-1" } node_name: "worker-1" labels { key: "family" value: "powerflex" } family: ARRAY_FAMILY_POWERFLEX"#),
        (Podguard_V1_AlertDelivery.self, #"alert_id: "a-1" delivered_to: "alertmanager" skipped_by: "webhook-ops""#),
        (Podguard_V1_ArrayConnectivity.self, #"header { producer_id: "array-prober/p-0" } node_name: "worker-1" node_uid: "n-1" family: ARRAY_FAMILY_POWERSTORE arrays { array_id: "PS4ebb8d4e8488" connectivity: CONNECTIVITY_DISCONNECTED consecutive_failures: 3 last_error: "timeout" messages: "no path" } verdict: CONNECTIVITY_VERDICT_LOST lost_since { seconds: 1765000000 } loss_threshold: 3 poll_interval { seconds: 15 } csi_node_id: "csi-node-1a2b-10.0.0.1" cycle: 42"#),
        (Podguard_V1_ArrayConnectivityResult.self, #"array_id: "000120001234" connectivity: CONNECTIVITY_CONNECTED io_in_progress: true messages: "ok""#),
        (Podguard_V1_ArraySample.self, #"array_id: "apm00123" connectivity: CONNECTIVITY_CONNECTED consecutive_failures: 0 last_sample_at { seconds: 1765000000 }"#),
        (Podguard_V1_CleanupReport.self, #"node_name: "worker-1" node_uid: "n-1" boot_id: "b-2" attempt: 2 pods { pod { namespace: "db" name: "pg-0" uid: "u-1" } fence_id: "f-1" outcome: OUTCOME_CLEANED volumes { volume_handle: "7a2c3e4f5d6b7c8d-1f2e3d4c00000001" pv_name: "pvc-1" unpublished: true unstaged: true } } zombie_containers { container_id: "c-1" pod_uid: "u-1" state: STATE_RUNNING } taint_removed: true taints_removed { key: "powerflex.podmon.storage.dell.com" effect: TAINT_EFFECT_NO_SCHEDULE }"#),
        (Podguard_V1_ContainerInfo.self, #"container_id: "c-1" pod_uid: "u-1" pod_namespace: "db" pod_name: "pg-0" container_name: "postgres" state: STATE_EXITED"#),
        (Podguard_V1_ContainerState.self, #"name: "postgres" container_id: "containerd://c-1" status: 2 waiting_reason: "CrashLoopBackOff" exit_code: 137 restart_count: 4 ready: false"#),
        (Podguard_V1_ControllerUnpublishReply.self, #"header { producer_id: "adapter-powerflex/c-0" } error { kind: KIND_TRANSIENT message: "array busy" }"#),
        (Podguard_V1_ControllerUnpublishRequest.self, #"volume_handle: "7a2c3e4f5d6b7c8d-1f2e3d4c00000001" csi_node_id: "3E2E5F3A-0000-0000-0000-000000000001" node_name: "worker-1" fence_id: "f-1" timeout { seconds: 90 }"#),
        (Podguard_V1_DecisionInputs.self, #"node_ready: CONDITION_STATUS_FALSE node_taints { key: "node.kubernetes.io/unreachable" effect: TAINT_EFFECT_NO_EXECUTE } node_unreachable_no_execute: true pod_ready: CONDITION_STATUS_TRUE pod_phase: "Running" connectivity: CONNECTIVITY_VERDICT_LOST volume_count: 2 families: ARRAY_FAMILY_POWERFLEX nodes_total: 5 node_not_ready_for { seconds: 40 }"#),
        (Podguard_V1_DecisionRecord.self, #"decision_id: "d-1" pod { namespace: "db" name: "pg-0" uid: "u-1" } node_name: "worker-1" inputs { node_ready: CONDITION_STATUS_FALSE } rule: RULE_NODE_UNREACHABLE_TAINT outcome: OUTCOME_FENCE_REQUESTED explanation: "node unreachable" fence_id: "f-1" outage_nodes: "worker-2" remediation_ladder: "storage:5m""#),
        (Podguard_V1_DriverPodState.self, #"driver: "csi-vxflexos.dellemc.com" family: ARRAY_FAMILY_POWERFLEX namespace: "vxflexos" name: "vxflexos-node-x" uid: "u-9" ready: CONDITION_STATUS_TRUE phase: "Running""#),
        (Podguard_V1_FencePhaseTransition.self, #"phase: FENCE_PHASE_FENCED at { seconds: 1765000000 } by: "fencing/fencing-0" message: "array fenced""#),
        (Podguard_V1_FenceRecord.self, #"fence_id: "f-1" decision_id: "d-1" pod { namespace: "db" name: "pg-0" uid: "u-1" } node_name: "worker-1" reason: FENCE_REASON_NODE_FAILURE phase: FENCE_PHASE_ABORTED abort_reason: ABORT_REASON_NO_ARRAY_PROOF volumes { volume { pv_name: "pvc-1" driver: "csi-vxflexos.dellemc.com" volume_handle: "7a2c3e4f5d6b7c8d-1f2e3d4c00000001" array_ids: "7a2c3e4f5d6b7c8d" } fenced: true attempts: 1 } transitions { phase: FENCE_PHASE_REQUESTED by: "decision/d-0" } node_cleanup { cleaned: true by: "node-cleanup/worker-1" } request { fence_id: "f-1" csi_node_ids { key: "csi-vxflexos.dellemc.com" value: "3E2E5F3A" } } node_proven_by: 1"#),
        (Podguard_V1_FenceRequest.self, #"fence_id: "f-1" decision_id: "d-1" pod { namespace: "db" name: "pg-0" uid: "u-1" } node_name: "worker-1" node_uid: "n-1" csi_node_ids { key: "csi-powerstore.dellemc.com" value: "csi-node-1a2b3c-10.0.0.1" } reason: FENCE_REASON_ARRAY_CONNECTIVITY_LOSS volumes { pv_name: "pvc-2" family: ARRAY_FAMILY_POWERSTORE volume_handle: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d/PS4ebb8d4e8488/scsi" } taints { key: "powerstore.podmon.storage.dell.com" } crash_loop_retry: 1 array_proof_required: true workload: "StatefulSet/pg""#),
        (Podguard_V1_FenceVolume.self, #"pv_name: "pvc-3" pvc_name: "data-pg-0" driver: "csi-isilon.dellemc.com" family: ARRAY_FAMILY_POWERSCALE volume_handle: "k8s-7e7e0a1b=_=_=19=_=_=System=_=_=cluster1" array_ids: "cluster1" read_write_many: true"#),
        (Podguard_V1_FenceVolumeStatus.self, #"volume { pv_name: "pvc-4" } fenced: false attempts: 3 last_error { kind: KIND_PERMANENT message: "no such volume" } attachment_deleted: true"#),
        (Podguard_V1_FenceWork.self, #"header { producer_id: "decision/d-0" } fence_id: "f-1" pod { namespace: "db" name: "pg-0" uid: "u-1" } node_name: "worker-1""#),
        (Podguard_V1_Header.self, #"producer_id: "watcher/w-0" produced_at { seconds: 1765000000 nanos: 123000000 } correlation_id: "c-1" producer_version: "1.4.0""#),
        (Podguard_V1_LadderOutcome.self, #"step: 2 result: 1 detail: "fence agent powered off" at { seconds: 1765000000 }"#),
        (Podguard_V1_LadderRung.self, #"step: 1 timeout_seconds: 300"#),
        (Podguard_V1_ListContainersReply.self, #"containers { container_id: "c-1" pod_uid: "u-1" state: STATE_RUNNING } containers { container_id: "c-2" pod_uid: "u-2" state: STATE_CREATED }"#),
        (Podguard_V1_ListContainersRequest.self, #"pod_uids: "u-1" pod_uids: "u-2" timeout { seconds: 10 }"#),
        (Podguard_V1_NodeCleanupStatus.self, #"cleaned: false attempts: 2 last_message: "unstage failed""#),
        (Podguard_V1_NodeRemediationRecord.self, #"remediation_id: "r-1" node_name: "worker-1" boot_id: "b-1" started_by_fence_id: "f-1" ladder { step: 1 timeout_seconds: 300 } ladder { step: 2 timeout_seconds: 180 } ladder_name: "bare-metal" state: 1 rung: 1 history { step: 1 result: 2 detail: "no array proof" } proven_by: 2 owner: "fencing/fencing-0""#),
        (Podguard_V1_NodeState.self, #"name: "worker-1" uid: "n-1" boot_id: "b-1" ready: CONDITION_STATUS_TRUE taints { key: "node.kubernetes.io/unreachable" value: "" effect: TAINT_EFFECT_NO_SCHEDULE } internal_ip: "10.0.0.1" csi_node_ids { key: "csi-unity.dellemc.com" value: "worker-1,worker-1.example.com" } driver_pods { driver: "csi-unity.dellemc.com" ready: CONDITION_STATUS_TRUE } resource_version: "1234" labels { key: "topology.kubernetes.io/zone" value: "a" } unschedulable: true"#),
        (Podguard_V1_NodeTaintRequest.self, #"request_id: "t-1" decision_id: "d-1" node_name: "worker-1" node_uid: "n-1" taint { key: "powermax.podmon.storage.dell.com" effect: TAINT_EFFECT_NO_SCHEDULE } action: 1 reason: FENCE_REASON_DRIVER_POD_OFFLINE message: "driver pod down" dry_run: true"#),
        (Podguard_V1_NodeUnpublishReply.self, #"error { kind: KIND_NOT_FOUND message: "not published" }"#),
        (Podguard_V1_NodeUnpublishRequest.self, #"volume_handle: "sv_1-unity-apm00123-sv_1" target_path: "/var/lib/kubelet/pods/u-1/volumes/kubernetes.io~csi/pvc-1/mount" pod_uid: "u-1" pv_name: "pvc-1" block: false timeout { seconds: 60 }"#),
        (Podguard_V1_NodeUnstageReply.self, #"header { producer_id: "adapter-unity/worker-1" }"#),
        (Podguard_V1_NodeUnstageRequest.self, #"volume_handle: "csi-PG-pvc-1-000120001234-00001" staging_target_path: "/var/lib/kubelet/plugins/kubernetes.io/csi/csi-powermax.dellemc.com/abc/globalmount" pv_name: "pvc-1" block: true"#),
        (Podguard_V1_ObjectRef.self, #"namespace: "db" name: "pg-0" uid: "0f6a3c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b""#),
        (Podguard_V1_PauseSwitch.self, #"paused: true reason: "maintenance" by: "ops" expires_at { seconds: 1765003600 }"#),
        (Podguard_V1_PodCleanup.self, #"pod { namespace: "db" name: "pg-0" } fence_id: "f-1" outcome: OUTCOME_SKIPPED_CONTAINER_RUNNING message: "container c-1 still running""#),
        (Podguard_V1_PodState.self, #"namespace: "db" name: "pg-0" uid: "u-1" node_name: "worker-1" phase: "Running" ready: CONDITION_STATUS_TRUE containers { name: "postgres" restart_count: 1 ready: true } owner_kind: "StatefulSet" owner_name: "pg" protection_label_value: "csi-vxflexos" affinity_labels { key: "app" value: "pg" } volumes { pod_volume_name: "data" pvc_name: "data-pg-0" pv_name: "pvc-1" driver: "csi-vxflexos.dellemc.com" volume_handle: "7a2c3e4f5d6b7c8d-1f2e3d4c00000001" access_modes: "ReadWriteOnce" bound: true attached: true array_ids: "7a2c3e4f5d6b7c8d" } deletion_grace_period_seconds: 30 resource_version: "99""#),
        (Podguard_V1_ProbeReply.self, #"ready: true driver_name: "csi-vxflexos.dellemc.com" vendor_version: "2.14.0" extension_present: true family: ARRAY_FAMILY_POWERFLEX csi_node_id: "3E2E5F3A-0000-0000-0000-000000000001""#),
        (Podguard_V1_ProbeRequest.self, #"header { producer_id: "array-prober/p-0" } timeout { seconds: 10 }"#),
        (Podguard_V1_ProberLease.self, #"replica_id: "p-0" acquired_at { seconds: 1765000000 } renewed_at { seconds: 1765000015 } nodes_probed: 12 cycle: 7"#),
        (Podguard_V1_Taint.self, #"key: "podguard.io/fenced" value: "f-1" effect: TAINT_EFFECT_NO_EXECUTE time_added { seconds: 1765000000 }"#),
        (Podguard_V1_ValidateHostConnectivityReply.self, #"connectivity: CONNECTIVITY_CONNECTED io_in_progress: true arrays { array_id: "PS4ebb8d4e8488" connectivity: CONNECTIVITY_CONNECTED } messages: "ok" extension_present: true"#),
        (Podguard_V1_ValidateHostConnectivityRequest.self, #"node_name: "worker-1" csi_node_id: "worker-1=#=#=worker-1.example.com=#=#=10.0.0.1" volume_handles: "k8s-7e7e0a1b=_=_=19=_=_=System=_=_=cluster1" array_id: "cluster1" io_sample_seconds: 2 timeout { seconds: 20 }"#),
        (Podguard_V1_VolumeCleanup.self, #"volume_handle: "csi-PG-pvc-1-000120001234-00001" pv_name: "pvc-1" block: true unpublished: true error: "device busy""#),
        (Podguard_V1_VolumeState.self, #"pod_volume_name: "data" pvc_name: "data-pg-0" pv_name: "pvc-1" driver: "csi-unity.dellemc.com" family: ARRAY_FAMILY_UNITY volume_handle: "csivol-1-iscsi-apm00123-sv_1" access_modes: "ReadWriteOnce" block: true bound: true"#),
    ]

    static let busMessage = FuzzTarget(
        "bus-message",
        "every message of proto/podguard/v1 (first byte picks it): M(serializedBytes:) as Bus's ProtobufCoding.decode, then encode and decode again to the same message",
        seeds: { _ in contractSeeds(contractMessages) }
    ) { bytes in
        let input = FuzzInput(bytes)
        let type = contractMessages[input.selector % contractMessages.count].type
        decodeRoundTrip(type, input.rest)
    }

    /// Decodes `bytes` as `type`; a message that decodes must encode, and decode from that to the
    /// same message (unknown fields included: a relay must not change what it passes on).
    static func decodeRoundTrip(_ type: any SwiftProtobuf.Message.Type, _ bytes: [UInt8]) {
        guard let message = try? type.init(serializedBytes: bytes) else { return }
        let encoded: [UInt8]
        do {
            encoded = try message.serializedBytes()
        } catch {
            fuzzExpect(false, "\(type.protoMessageName) decoded but does not encode: \(error)")
            return
        }
        do {
            let again = try type.init(serializedBytes: encoded)
            fuzzExpect(message.isEqualTo(message: again), "\(type.protoMessageName) changed in an encode/decode round trip")
        } catch {
            fuzzExpect(false, "\(type.protoMessageName) re-encoded does not decode: \(error)")
        }
    }

    /// `<selector>-<Type>.bin` seeds: the selector byte, then the message from its text format.
    static func contractSeeds(_ messages: [(type: any SwiftProtobuf.Message.Type, seed: String)]) -> [(String, [UInt8])] {
        messages.enumerated().map { index, entry in
            let message: any SwiftProtobuf.Message
            do {
                message = try entry.type.init(textFormatString: entry.seed)
            } catch {
                PodguardFuzz.fail("the seed of \(entry.type.protoMessageName) is not its text format: \(error)")
            }
            // Maps in key order, so regenerating the seeds leaves them as they are.
            var options = BinaryEncodingOptions()
            options.useDeterministicOrdering = true
            let bytes = (try? message.serializedBytes(options: options) as [UInt8]) ?? []
            let number = index < 10 ? "0\(index)" : "\(index)"
            let name = "\(number)-\(entry.type.protoMessageName.split(separator: ".").last ?? "message").bin"
            return (name, [UInt8(index)] + bytes)
        }
    }

    static let busSubject = FuzzTarget(
        "bus-subject",
        "a subject and a payload as a receiver reads them: PodguardSubjects.parse, SubjectToken.decode (and encode→decode), PayloadTypeRegistry.decode(subject:payload:)",
        seeds: { _ in subjectSeeds() }
    ) { bytes in
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        let subject = String(decoding: bytes[..<newline], as: UTF8.self)
        let payload = newline < bytes.endIndex ? Array(bytes[(newline + 1)...]) : []
        _ = PodguardSubjects.standard.parse(subject)
        for token in subject.split(separator: ".", omittingEmptySubsequences: false) {
            _ = SubjectToken.decode(String(token))
            _ = SubjectToken.isValid(String(token))
        }
        let encoded = SubjectToken.encode(subject)
        fuzzExpect(SubjectToken.isValid(encoded), "SubjectToken.encode(\(subject.debugDescription)) is not a valid token: \(encoded)")
        fuzzExpect(SubjectToken.decode(encoded) == subject, "SubjectToken.decode does not invert encode for \(subject.debugDescription)")
        if let message = try? PayloadTypeRegistry.standard.decode(subject: subject, payload: payload) {
            decodeRoundTrip(type(of: message), payload)
        }
    }
}

extension FuzzTarget {
    /// Subjects of the contract with a payload of the type published there.
    static func subjectSeeds() -> [(String, [UInt8])] {
        let subjects = PodguardSubjects.standard
        let topology = BusTopology.standard
        let published: [(name: String, subject: String, type: any SwiftProtobuf.Message.Type)] = [
            ("node-state", subjects.nodeState("worker-1.example.com"), Podguard_V1_NodeState.self),
            ("pod-state", subjects.podState(namespace: "db", name: "pg_0"), Podguard_V1_PodState.self),
            ("connectivity", subjects.connectivity(family: .powerflex, node: "worker-1"), Podguard_V1_ArrayConnectivity.self),
            ("fence-request", subjects.fenceRequest("worker-1"), Podguard_V1_FenceWork.self),
            ("alert", subjects.alert(severity: .critical, reason: "FenceAborted"), Podguard_V1_Alert.self),
            ("adapter-node", subjects.adapterNode(family: .unity, node: "worker-1", operation: .nodeUnpublish),
             Podguard_V1_NodeUnpublishRequest.self),
            ("fence-record", "$KV.\(topology.fencesBucket.name).0f6a3c2e", Podguard_V1_FenceRecord.self),
        ]
        let seeds = contractSeeds(contractMessages)
        return published.compactMap { entry in
            guard let index = contractMessages.firstIndex(where: { $0.type == entry.type }) else { return nil }
            return ("\(entry.name).bin", Array((entry.subject + "\n").utf8) + seeds[index].1.dropFirst())
        }
    }
}
