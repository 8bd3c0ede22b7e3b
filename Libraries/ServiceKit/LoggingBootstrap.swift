import Synchronization

/// Installs podguard's log handler process-wide.
///
/// `LoggingSystem.bootstrap` may only be called once per process (it traps otherwise), yet tests
/// and tools may reach bootstrap code more than once; the first call wins and later calls do nothing.
public enum LoggingBootstrap {
    private static let done = Mutex(false)

    /// Makes every `Logger` write `format` lines for `service` at `level` and above. Returns whether
    /// this call installed the handler (`false`: an earlier call already had).
    @discardableResult
    public static func bootstrap(service: String, format: LogFormat, level: Logger.Level) -> Bool {
        done.withLock { done in
            guard !done else { return false }
            done = true
            // Wrapped so a reloaded podmon log level (`LiveLogLevel`) reaches every logger at once.
            LoggingSystem.bootstrap { label in
                LiveLevelLogHandler(makeHandler(label: label, service: service, format: format, level: level))
            }
            return true
        }
    }

    /// The handler `bootstrap` installs, for callers that build their own `Logger`.
    public static func makeHandler(
        label: String,
        service: String,
        format: LogFormat,
        level: Logger.Level,
        output: (@Sendable (String) -> Void)? = nil
    ) -> any LogHandler {
        switch format {
        case .json: JSONLogHandler(label: label, service: service, level: level, output: output)
        case .text: TextLogHandler(label: label, service: service, level: level, output: output)
        }
    }
}
