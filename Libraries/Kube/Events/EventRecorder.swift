import Foundation
import Logging
import Synchronization

/// Records Kubernetes Events about objects, aggregating repeats: the same object, type, reason,
/// action and message within the window update one Event's `series` (count, last time) instead of
/// creating another. Uses events.k8s.io/v1 and falls back to core/v1 when that group is not served.
/// Failures are logged, never thrown: an Event must not block a remediation.
public final class EventRecorder: Sendable {
    private let client: KubeClient
    private let controller: String
    private let instance: String
    private let aggregator: Mutex<EventAggregator>
    private let useCoreEvents = Mutex(false)
    private let start = ContinuousClock.now

    /// - Parameters:
    ///   - controller: `reportingController` / `source.component` (e.g. `podmon`).
    ///   - instance: `reportingInstance` (e.g. the pod name).
    public init(client: KubeClient, controller: String, instance: String, window: Duration = .seconds(600)) {
        self.client = client
        self.controller = controller
        self.instance = instance
        self.aggregator = Mutex(EventAggregator(window: window))
    }

    /// Whether events.k8s.io/v1 was not served and Events go through core/v1 instead.
    public var usesCoreEvents: Bool { useCoreEvents.withLock { $0 } }

    /// Records an Event about `regarding`. Returns whether it reached the apiserver.
    @discardableResult
    public func record(regarding: ObjectReference, type: String = "Warning", reason: String, note: String, action: String? = nil) async -> Bool {
        let action = action ?? reason
        let key = EventAggregationKey(regarding: regarding, type: type, reason: reason, action: action, note: note)
        let now = ContinuousClock.now - start
        let decision = aggregator.withLock { $0.observe(key, now: now) }
        let namespace = regarding.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        do {
            switch decision {
            case .coalesced:
                return true
            case .increment(let name, let count):
                do {
                    try await writeCount(name: name, namespace: namespace, count: count)
                } catch let error as KubeError where error.isNotFound {
                    // Expired (events live one hour) or deleted: start a new one.
                    aggregator.withLock { $0.forget(key) }
                    return await record(regarding: regarding, type: type, reason: reason, note: note, action: action)
                }
            case .create:
                let name = try await create(regarding: regarding, namespace: namespace, type: type, reason: reason, note: note, action: action)
                if let count = aggregator.withLock({ $0.created(key, name: name) }) {
                    try await writeCount(name: name, namespace: namespace, count: count)
                }
            }
            return true
        } catch {
            aggregator.withLock { $0.forget(key) }
            client.logger.warning("failed to record event", metadata: ["reason": "\(reason)", "object": "\(regarding.name ?? "")", "error": "\(error)"])
            return false
        }
    }

    private func create(regarding: ObjectReference, namespace: String, type: String, reason: String, note: String, action: String) async throws -> String {
        let now = Date()
        let name = "\(regarding.name ?? "event").\(String(UInt64(now.timeIntervalSince1970 * 1e9), radix: 16))"
        if !useCoreEvents.withLock({ $0 }) {
            var event = Event(name: name, namespace: namespace)
            event.eventTime = now
            event.reportingController = controller
            event.reportingInstance = instance
            event.action = action
            event.reason = reason
            event.regarding = regarding
            event.note = String(note.prefix(1024))
            event.type = type
            do {
                return try await client.create(event).name
            } catch let error as KubeError where error.isNotFound {
                // events.k8s.io/v1 not served (before 1.19): core/v1 from now on.
                useCoreEvents.withLock { $0 = true }
            }
        }
        var event = CoreEvent(name: name, namespace: namespace)
        event.involvedObject = regarding
        event.reason = reason
        event.message = note
        event.type = type
        event.source = EventSource(component: controller, host: instance)
        event.firstTimestamp = now
        event.lastTimestamp = now
        event.count = 1
        event.reportingComponent = controller
        event.reportingInstance = instance
        return try await client.create(event).name
    }

    private func writeCount(name: String, namespace: String, count: Int32) async throws {
        let now = JSONValue.string(KubeTime.format(Date()))
        if useCoreEvents.withLock({ $0 }) {
            _ = try await client.patch(CoreEvent.self, name: name, namespace: namespace,
                                       patch: .merge(.object(["count": .number(Double(count)), "lastTimestamp": now])))
        } else {
            _ = try await client.patch(Event.self, name: name, namespace: namespace,
                                       patch: .merge(.object(["series": .object(["count": .number(Double(count)), "lastObservedTime": now])])))
        }
    }
}
