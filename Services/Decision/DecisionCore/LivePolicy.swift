public import Policy
public import Synchronization

/// The policy settings that change while decision runs (podmon's ConfigMap reloads): the engine
/// takes them before each input it handles.
public final class LivePolicy: Sendable {
    private let skipValidation: Mutex<Bool>

    public init(skipArrayConnectionValidation: Bool) {
        skipValidation = Mutex(skipArrayConnectionValidation)
    }

    public var skipArrayConnectionValidation: Bool {
        get { skipValidation.withLock { $0 } }
        set { skipValidation.withLock { $0 = newValue } }
    }

    /// `configuration` with the live values.
    public func applied(to configuration: PolicyConfiguration) -> PolicyConfiguration {
        var configuration = configuration
        configuration.skipArrayConnectionValidation = skipArrayConnectionValidation
        return configuration
    }
}
