import Foundation
import Logging

extension KubeClient {
    /// Watches a collection, resuming after every disconnect from the last resourceVersion seen
    /// (events or bookmarks), with backoff between failed attempts. The sequence ends by throwing
    /// ``KubeError/gone(_:)`` when the resourceVersion was compacted (the caller must list again:
    /// use an ``Informer`` to have that done), or another error when it gives up. Cancel the
    /// consuming task to stop.
    public func watch<T: KubeResource>(_ type: T.Type, namespace: String? = nil, options: WatchOptions = WatchOptions(), maxAttempts: Int = 10) -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let (stream, continuation) = AsyncThrowingStream<WatchEvent<T>, any Error>.makeStream()
        let task = Task {
            var state = WatchStreamState(resourceVersion: options.resourceVersion)
            var action = WatchStreamState.Action.connect(resourceVersion: options.resourceVersion)
            var first = true
            while !Task.isCancelled {
                switch action {
                case .connect(let rv):
                    if !first { metrics.watchRestarted(resource: T.resource.description, reason: "reconnect") }
                    first = false
                    do {
                        let events = try await watchConnection(type, namespace: namespace, options: options, resourceVersion: rv) { state.connected() }
                        for try await event in events {
                            state.received(resourceVersion: event.resourceVersion)
                            continuation.yield(event)
                        }
                        action = state.ended(error: nil, backoff: configuration.retry.backoff, maxAttempts: maxAttempts)
                    } catch is CancellationError {
                        continuation.finish()
                        return
                    } catch {
                        if Task.isCancelled { continuation.finish(); return }
                        logger.debug("watch connection ended", metadata: ["resource": "\(T.resource)", "error": "\(error)"])
                        action = state.ended(error: error, backoff: configuration.retry.backoff, maxAttempts: maxAttempts)
                        if action == .relist { metrics.watchRestarted(resource: T.resource.description, reason: "gone") }
                        if action == .relist || action == .fail {
                            continuation.finish(throwing: error)
                            return
                        }
                    }
                case .wait(let delay):
                    do { try await Task.sleep(for: delay) } catch { continuation.finish(); return }
                    action = state.backoffElapsed()
                case .relist, .fail:
                    continuation.finish(throwing: KubeError.transport("watch stopped"))
                    return
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// One watch connection: the events until the server ends it.
    func watchConnection<T: KubeResource>(_ type: T.Type, namespace: String?, options: WatchOptions, resourceVersion: String?, onConnected: () -> Void) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let request = KubeHTTPRequest(method: .GET, path: T.resource.collectionPath(namespace: namespace), query: options.query(resourceVersion: resourceVersion))
        // Safety net beyond the server-side timeout: a silently dead connection ends too.
        let deadline = ContinuousClock.now + .seconds(options.timeoutSeconds + 30)
        let response = try await openStream(request, resource: T.resource.description, deadline: deadline)
        onConnected()
        return AsyncThrowingStream { continuation in
            let task = Task {
                var splitter = WatchLineSplitter()
                do {
                    for try await chunk in response.body {
                        for line in try splitter.append(chunk) {
                            continuation.yield(try WatchEvent<T>.fromWire(line: JSONValue(data: line)))
                        }
                    }
                    if let rest = splitter.finish() {
                        continuation.yield(try WatchEvent<T>.fromWire(line: JSONValue(data: rest)))
                    }
                    continuation.finish()
                } catch let error as KubeTransportError {
                    if case .timedOut = error {
                        continuation.finish()  // our safety deadline: just reconnect
                    } else {
                        continuation.finish(throwing: error)
                    }
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
