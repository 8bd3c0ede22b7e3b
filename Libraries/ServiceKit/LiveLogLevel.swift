import Synchronization

/// A process-wide log level that overrides every logger's own, changeable while the service runs
/// (podmon's `PODMON_*_LOG_LEVEL` reloads). Loggers made through `LoggingBootstrap` consult it on
/// every log call; nil leaves each logger at its configured level.
public enum LiveLogLevel {
    /// 0 = no override, else 1 + the index of the level in `Logger.Level.allCases`.
    private static let encoded = Atomic<Int>(0)

    public static var current: Logger.Level? {
        let value = encoded.load(ordering: .relaxed)
        return value == 0 ? nil : Logger.Level.allCases[value - 1]
    }

    public static func set(_ level: Logger.Level?) {
        let value = level.flatMap { Logger.Level.allCases.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        encoded.store(value, ordering: .relaxed)
    }
}

/// Forwards to another handler, with `LiveLogLevel` (when set) in place of the handler's own level.
public struct LiveLevelLogHandler: LogHandler {
    public var inner: any LogHandler

    public init(_ inner: any LogHandler) {
        self.inner = inner
    }

    public var logLevel: Logger.Level {
        get { LiveLogLevel.current ?? inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        inner.log(event: event)
    }
}
