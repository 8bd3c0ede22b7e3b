import Bus
import Contracts
import Foundation
import NodeCleanupCore

/// Reads node-cleanup's last CleanupReport for a node from stream PODGUARD_EVENTS, so a restarted
/// instance continues the taint episode it was in: the attempt count (report ids stay unique) and
/// the zombie memory (the boot-id rule is not forgotten).
enum CleanupReportHistory {
    /// The last report on `<prefix>.v1.cleanup.<node>`, or nil when there is none (or it expired).
    static func last(node: String, jetStream: JetStream, topology: BusTopology) async throws -> Podguard_V1_CleanupReport? {
        // A short-lived durable consumer that starts at the subject's last message; nats.c offers no
        // "get last message for subject" here. Deleted before and after, so a crash leaves nothing stale.
        let name = "node-cleanup-resume-" + SubjectToken.encode(node).replacingOccurrences(of: "=", with: "-")
        let subject = topology.subjects.cleanup(node)
        try? await jetStream.deleteConsumer(stream: topology.eventStream.name, durableName: name)
        try await jetStream.createOrUpdateConsumer(stream: topology.eventStream.name, ConsumerConfiguration(
            durableName: name, filterSubject: subject, deliverPolicy: .last, ackWait: .seconds(30),
            description: "node-cleanup on \(node): reads its last report at start"))
        defer { Task { try? await jetStream.deleteConsumer(stream: topology.eventStream.name, durableName: name) } }
        let consumer = try await jetStream.pullConsumer(stream: topology.eventStream.name, durableName: name, filterSubject: subject)
        let messages = try await consumer.fetch(batch: 1, timeout: .milliseconds(500))
        guard let message = messages.last else { return nil }
        try? message.ack()
        return try? message.decode(as: Podguard_V1_CleanupReport.self)
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
