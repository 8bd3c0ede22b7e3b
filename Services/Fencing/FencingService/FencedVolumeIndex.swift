import Bus
import BusService
import Contracts
import FencingCore
import Logging

/// The volumes podguard's fences hold unpublished, per node (`OutOfServiceGate.fencedVolumes` of
/// every FenceRecord), kept current by a `KeyValueMirror` of bucket `podguard-fences`: what the
/// storage proof of the out-of-service fast path compares a node's attached volumes with. A fence
/// it has not seen yet makes that proof fail, never succeed.
struct FencedVolumeIndex: Sendable {
    private let mirror: KeyValueMirror<Podguard_V1_FenceRecord>

    init(_ store: FenceRecordStore) {
        mirror = KeyValueMirror(store.keyValue, as: Podguard_V1_FenceRecord.self) { _, record in
            !OutOfServiceGate.fencedVolumes(record).isEmpty
        }
    }

    func follow(logger: Logger) async {
        await mirror.follow(logger: logger)
    }

    /// The fenced volumes of `node`, with those of `record` (the caller's own, perhaps not yet
    /// delivered by the watch).
    func fenced(on node: String, with record: Podguard_V1_FenceRecord) -> Set<String> {
        var volumes = Set(OutOfServiceGate.fencedVolumes(record))
        for entry in mirror.snapshot().values where entry.value.nodeName == node {
            volumes.formUnion(OutOfServiceGate.fencedVolumes(entry.value))
        }
        return volumes
    }
}
