/// Applies each change of podmon's driver config params to a running service: the log level of its
/// role (through `LiveLogLevel`), then the service's own settings through `apply`, which gets the
/// new and the previous params so it can change only what changed (see `PodmonCompatibility`).
/// Runs in the service's `ServiceGroup` until graceful shutdown.
public struct DriverConfigParamsReloader: Service {
    private let changes: AsyncStream<DriverConfigParams>
    private let initial: DriverConfigParams
    private let role: DriverConfigParams.Role
    private let logger: Logger
    private let apply: @Sendable (_ new: DriverConfigParams, _ previous: DriverConfigParams) -> Void

    /// Subscribes at once, so no change after this call is missed.
    public init(watcher: ConfigFileWatcher<DriverConfigParams>, role: DriverConfigParams.Role, logger: Logger,
                apply: @escaping @Sendable (_ new: DriverConfigParams, _ previous: DriverConfigParams) -> Void) {
        changes = watcher.changes()
        initial = watcher.current
        self.role = role
        self.logger = logger
        self.apply = apply
    }

    public func run() async throws {
        var previous = initial
        for await params in changes.cancelOnGracefulShutdown() {
            PodmonCompatibility.applyReload(params, previous: previous, role: role, logger: logger)
            apply(params, previous)
            previous = params
        }
    }
}
