import Bus
import BusService
import Contracts
import FencingCore
import Logging

/// What every fencing component shares, made once in `FencingService.run`: the FenceRecord store,
/// the work-queue stream and the subjects, the message producer, the settings, metrics and logger.
struct FencingContext: Sendable {
    let fences: FenceRecordStore
    let jetStream: JetStream
    let subjects: PodguardSubjects
    let messages: FencingMessages
    let settings: FencingSettings
    let metrics: FencingMetrics
    let logger: Logger
}

/// A fencing component built on the shared `FencingContext`: its parts read as its own.
protocol FencingComponent: Sendable {
    var context: FencingContext { get }
}

extension FencingComponent {
    var fences: FenceRecordStore { context.fences }
    var jetStream: JetStream { context.jetStream }
    var subjects: PodguardSubjects { context.subjects }
    var messages: FencingMessages { context.messages }
    var settings: FencingSettings { context.settings }
    var metrics: FencingMetrics { context.metrics }
    var logger: Logger { context.logger }

    /// Publishes an alert whose news is already recorded (a record, a phase): a failure to
    /// publish is logged and nothing else depends on it.
    func publishLogged(_ alert: Podguard_V1_Alert) async {
        do {
            try await jetStream.publish(alert: alert, subjects: subjects)
        } catch {
            logger.warning("could not publish an alert", metadata: ["reason": "\(alert.reason)", "error": "\(error)"])
        }
    }
}
