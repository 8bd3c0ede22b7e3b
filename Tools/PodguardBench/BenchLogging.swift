import Logging

/// The benchmarks' logging: errors only, on standard error, where the figures on standard output
/// stay readable. Bootstrapped once per process (`all` runs several benchmarks in one).
enum BenchLogging {
    private static let bootstrapped: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
    }()

    static func errorsOnly() { _ = bootstrapped }
}
