import Bus
import Contracts
import SwiftProtobuf

/// Hands every FenceRecord put of a `podguard-fences` watch to `body`, until the watch ends or
/// fails (the observers stop with the stack). Values that do not decode are skipped.
func forEachFenceRecord(in updates: AsyncThrowingStream<KeyValueUpdate, any Error>,
                        _ body: (Podguard_V1_FenceRecord) -> Void) async {
    do {
        for try await update in updates {
            guard case .entry(let entry) = update, entry.operation == .put,
                  let record = try? Podguard_V1_FenceRecord(serializedBytes: entry.value) else { continue }
            body(record)
        }
    } catch {}
}
