/// Turns readiness off as soon as graceful shutdown begins. It is the last service of the group, so
/// the group signals it first: the pod reports not ready before the other services start draining.
struct ReadinessShutdownService: Service {
    let readiness: ReadinessRegistry
    let logger: Logger

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: the group is ending without a graceful shutdown
        }
        readiness.beginShutdown()
        logger.notice("graceful shutdown started; reporting not ready")
    }
}

extension ReadinessShutdownService: CustomStringConvertible {
    var description: String { "ReadinessShutdown" }
}
