import Synchronization

/// Tracks whether the service can take work, per component (bus connection, consumers, caches...),
/// for `/readyz`.
///
/// Components start not ready: a service is only ready once each part has said so. During graceful
/// shutdown the service reports not ready, so load balancers and orchestrators stop sending work while
/// in-flight work is finished and unfinished work is handed back to the bus.
public final class ReadinessRegistry: Sendable {
    private struct State {
        var order: [String] = []
        var components: [String: (ready: Bool, reason: String?)] = [:]
        var shuttingDown = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Adds a component that is not ready yet; registering again keeps its current state.
    public func register(_ component: String) {
        state.withLock { state in
            guard state.components[component] == nil else { return }
            state.order.append(component)
            state.components[component] = (false, "starting")
        }
    }

    /// Records a component's state; an unknown component is registered first.
    public func set(_ component: String, ready: Bool, reason: String? = nil) {
        state.withLock { state in
            if state.components[component] == nil { state.order.append(component) }
            state.components[component] = (ready, reason)
        }
    }

    /// All registered components are ready (vacuously true with none) and shutdown has not begun.
    public var isReady: Bool {
        state.withLock { state in
            !state.shuttingDown && state.components.values.allSatisfy(\.ready)
        }
    }

    public var isShuttingDown: Bool {
        state.withLock { $0.shuttingDown }
    }

    /// Components in registration order.
    public func snapshot() -> [(component: String, ready: Bool, reason: String?)] {
        state.withLock { state in
            state.order.compactMap { name in
                state.components[name].map { (component: name, ready: $0.ready, reason: $0.reason) }
            }
        }
    }

    /// From now on the service is not ready, whatever its components say; there is no way back,
    /// as a process that began shutting down does not take new work.
    public func beginShutdown() {
        state.withLock { $0.shuttingDown = true }
    }
}
