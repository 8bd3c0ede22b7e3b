import Bus
import Contracts
import Foundation
import SwiftProtobuf

extension OperatorBus {
    /// The last `count` alerts of stream PODGUARD_ALERTS, oldest first.
    public func recentAlerts(count: Int) async throws -> [Podguard_V1_Alert] {
        guard count > 0 else { return [] }
        let stream = topology.alertStream.name
        let info = try await read { try await jetStream.streamInfo(stream) }
        guard info.messages > 0 else { return [] }
        let start = max(info.firstSequence, info.lastSequence >= UInt64(count) ? info.lastSequence - UInt64(count) + 1 : 1)
        let messages = StoredMessages(connection: connection, stream: stream)
        let stored = try await read { try await messages.all(subject: subjects.allAlerts, from: start, limit: count) }
        return stored.compactMap { try? Podguard_V1_Alert(serializedBytes: $0.payload) }
    }

    /// The last `backlog` alerts, then every new one as it is published, until the task is
    /// cancelled or the connection closes. Subscribes before it reads the backlog, so nothing
    /// published in between is lost; an alert in both is given once (by alert id).
    public func followAlerts(backlog: Int) async throws -> AsyncThrowingStream<Podguard_V1_Alert, any Error> {
        let subscription = try readNow { try connection.subscribe(to: subjects.allAlerts, as: Podguard_V1_Alert.self) }
        let earlier: [Podguard_V1_Alert]
        do {
            earlier = try await recentAlerts(count: backlog)
        } catch {
            subscription.unsubscribe()
            throw error
        }
        let (stream, continuation) = AsyncThrowingStream<Podguard_V1_Alert, any Error>.makeStream()
        let task = Task {
            var seen = Set(earlier.map(\.alertID))
            for alert in earlier { continuation.yield(alert) }
            for await message in subscription {
                // Only the backlog can repeat; forget it once past it.
                if !seen.isEmpty, seen.remove(message.payload.alertID) != nil { continue }
                continuation.yield(message.payload)
            }
            continuation.finish(throwing: OperatorError.bus("the bus connection closed while following alerts"))
        }
        continuation.onTermination = { _ in
            task.cancel()
            subscription.unsubscribe()
        }
        return stream
    }

    func readNow<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch {
            throw OperatorError.bus("reading the bus as \(principal.role) failed: \(error)")
        }
    }
}
