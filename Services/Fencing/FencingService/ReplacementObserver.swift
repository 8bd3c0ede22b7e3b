import Bus
import BusService
import Contracts
import FencingCore
import Foundation
import Logging
import Policy
import ServiceLifecycle

/// Watches buckets `podguard-fences` and `podguard-pods` and, when a deleted pod's replacement is
/// Running and Ready, records `replacement_running_at` (and its node and uid) in the deleted pod's
/// FenceRecord by compare-and-set. The replica whose write succeeds observes the phases it ended;
/// every other replica (and this one after a restart, when the watches deliver everything again)
/// finds the record completed and does nothing.
struct ReplacementObserver: FencingComponent {
    let context: FencingContext
    let pods: KeyValueStore
    let tickEvery: Duration

    enum Input: Sendable {
        case fence(key: String, Podguard_V1_FenceRecord?)
        case pod(key: String, Podguard_V1_PodState?)
        case tick
    }

    /// What one completion did.
    enum Completion: Sendable, Equatable {
        /// This replica's compare-and-set recorded the replacement.
        case recorded
        /// The record no longer waits: completed by another replica, replaced, or deleted.
        case notWaiting
    }

    func run() async {
        let (inputs, sink) = AsyncStream<Input>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await fences.follow(into: sink, logger: logger) { .fence(key: $0, $1) } }
            group.addTask { await pods.follow(as: Podguard_V1_PodState.self, into: sink, logger: logger) { .pod(key: $0, $1) } }
            group.addTask { [tickEvery] in await sink.yieldTicks(every: tickEvery, .tick) }
            var tracker = ReplacementTracker(window: settings.replacementWindow)
            for await input in inputs.cancelOnGracefulShutdown() {
                let now = Date()
                let matches = switch input {
                case .fence(let key, let record): tracker.fence(key: key, record: record, now: now)
                case .pod(let key, let pod): tracker.pod(key: key, state: pod, now: now)
                case .tick: tracker.tick(now: now)
                }
                for match in matches {
                    do {
                        _ = try await complete(match)
                        tracker.done(match.fenceKey)
                    } catch {
                        // Still waiting: the next change of the pod or the next tick tries again.
                        logger.warning("could not record the replacement; retrying later",
                                       metadata: ["fenceKey": "\(match.fenceKey)", "error": "\(error)"])
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Records `match` in its FenceRecord (read, apply, compare-and-set, again on a conflict).
    func complete(_ match: ReplacementTracker.Match) async throws -> Completion {
        var before: Podguard_V1_FenceRecord?
        let outcome = try await fences.modify(key: match.fenceKey) { [messages] current in
            guard var completed = ReplacementTracker.completing(current, with: match.replacement) else { return nil }
            before = current
            messages.stamp(&completed, at: Date())
            return completed
        }
        guard case .written(let entry) = outcome, let before else { return .notWaiting }
        let completed = entry.record
        metrics.failoverPhases(FailoverMoments.completed(before: before, after: completed), of: completed)
        logger.info("replacement pod Running", metadata: [
            "pod": "\(completed.pod.namespace)/\(completed.pod.name)", "fence": "\(completed.fenceID)",
            "replacementUID": "\(match.replacement.uid)", "node": "\(match.replacement.nodeName)"])
        return .recorded
    }
}
