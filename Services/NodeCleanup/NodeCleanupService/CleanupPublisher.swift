import Bus
import BusService
import Contracts
import Logging
import NodeCleanupCore

/// Publishes reports (stream PODGUARD_EVENTS) and alerts (PODGUARD_ALERTS) with a message id, so a
/// retried publish is stored once. A failed publish is logged and counted, never blocks cleanup:
/// the durable outcome is in the FenceRecords and on the Node.
struct CleanupPublisher: Sendable {
    let jetStream: JetStream
    let subjects: PodguardSubjects
    let logger: Logger

    func publish(_ report: Podguard_V1_CleanupReport) async {
        do {
            try await jetStream.publish(report, to: subjects.cleanup(report.nodeName), messageID: CleanupMessageFactory.messageID(report))
        } catch {
            NodeCleanupMetrics.failure("publish")
            logger.error("could not publish the cleanup report", metadata: ["attempt": "\(report.attempt)", "error": "\(error)"])
        }
    }

    func publish(_ alert: Podguard_V1_Alert) async {
        do {
            try await jetStream.publish(alert: alert, subjects: subjects)
        } catch {
            NodeCleanupMetrics.failure("publish")
            logger.error("could not publish an alert", metadata: ["reason": "\(alert.reason)", "error": "\(error)"])
        }
    }
}
