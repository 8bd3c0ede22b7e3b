import Synchronization

/// The port a server actually bound, published once by the server and awaited by anyone who asked
/// for port 0 and needs the real one.
final class BoundPort: Sendable {
    private struct State {
        var port: Int?
        var waiters: [Int: CheckedContinuation<Int, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())
    /// Returned to waiters when the server stops without ever binding, or a waiter is cancelled.
    private let fallback: Int

    init(fallback: Int) {
        self.fallback = fallback
    }

    func publish(_ port: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, Never>] in
            guard state.port == nil else { return [] }
            state.port = port
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// Releases waiters when the server ends before it bound.
    func publishFallbackIfUnbound() {
        publish(fallback)
    }

    var value: Int {
        get async {
            let id = state.withLock { state -> Int in
                state.nextWaiter += 1
                return state.nextWaiter
            }
            return await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let ready = state.withLock { state -> Int? in
                        if let port = state.port { return port }
                        if Task.isCancelled { return fallback }
                        state.waiters[id] = continuation
                        return nil
                    }
                    if let ready { continuation.resume(returning: ready) }
                }
            } onCancel: {
                let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
                waiter?.resume(returning: fallback)
            }
        }
    }
}
