import Bus
import Contracts
import Logging
import SwiftProtobuf

/// Hands every FenceRecord put of bucket `podguard-fences` to `body` until the calling task is
/// cancelled (the observers stop with the stack), across a nats-server restart
/// (`KeyValueStore.follow`: after one, the records are handed over again). Values that do not
/// decode are skipped.
func forEachFenceRecord(in store: KeyValueStore, _ body: (Podguard_V1_FenceRecord) -> Void) async {
    var logger = Logger(label: "podguard.stack.fences")
    logger.logLevel = .warning
    await store.follow(as: Podguard_V1_FenceRecord.self, logger: logger) { update in
        if case .put(_, let record, _, _) = update { body(record) }
    }
}
