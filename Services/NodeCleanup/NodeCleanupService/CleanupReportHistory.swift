import Bus
import Contracts
import Foundation
import NodeCleanupCore
import SwiftProtobuf

/// Reads node-cleanup's last CleanupReport for a node from stream PODGUARD_EVENTS, so a restarted
/// instance continues the taint episode it was in: the attempt count (report ids stay unique) and
/// the zombie memory (the boot-id rule is not forgotten).
enum CleanupReportHistory {
    /// The last report on `<prefix>.v1.cleanup.<node>`, or nil when there is none (or it expired).
    static func last(node: String, jetStream: JetStream, topology: BusTopology) async throws -> Podguard_V1_CleanupReport? {
        // A direct read of the subject's last message: no consumer to create or clean up, and only
        // the read right on the stream (docs/bus-contract.md, "Who may do what").
        let subject = topology.subjects.cleanup(node)
        guard let payload = try await jetStream.lastMessagePayload(stream: topology.eventStream.name, subject: subject) else { return nil }
        return try? Podguard_V1_CleanupReport(serializedBytes: payload)
    }

    /// The episode to continue: the last report's attempt and zombie boot id, if it kept the taint.
    static func resumption(from report: Podguard_V1_CleanupReport?) -> (attempt: UInt32, zombiesSeenAtBootID: String?) {
        guard let report else { return (0, nil) }
        // The attempt keeps counting either way, so report ids never repeat; zombie memory only
        // belongs to an episode that is still going on.
        if report.taintRemoved { return (report.attempt, nil) }
        return (report.attempt, report.zombiesSeenBootID.isEmpty ? nil : report.zombiesSeenBootID)
    }
}
