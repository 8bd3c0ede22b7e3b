import ArgumentParser
import Contracts
import Foundation
import Logging
import OperatorClient
import OperatorViews
import ServiceKit

/// What a command needs to run: the bus settings, a logger, the clock views speak in, and the
/// printing of an answer in the chosen format.
struct CommandContext {
    let options: GlobalOptions
    let settings: OperatorSettings
    let logger: Logger

    init(_ options: GlobalOptions) throws {
        self.options = options
        guard let timeout = DurationParser.parse(options.bus.connectTimeout), timeout > .zero else {
            throw ValidationError("--connect-timeout: '\(options.bus.connectTimeout)' is not a positive duration (e.g. 5s, 500ms)")
        }
        settings = try OperatorSettings(flags: options.bus.configurationFlags, configFile: options.bus.configFile,
                                        environment: ProcessInfo.processInfo.environment, connectTimeout: timeout)
        // Quiet unless asked: an operator reads the answer, not the bus client's reconnects.
        var logger = Logger(label: "podguard") { label -> any LogHandler in
            options.verbose ? StreamLogHandler.standardError(label: label) : SwiftLogNoOpLogHandler(label)
        }
        logger.logLevel = options.verbose ? Logger.Level.debug : Logger.Level.critical
        self.logger = logger
    }

    var clock: ViewClock {
        ViewClock(now: Date(), timeZone: options.utc ? TimeZone(identifier: "UTC")! : .current)
    }

    /// Reads as the observer.
    func observing<Result: Sendable>(_ body: (OperatorBus) async throws -> Result) async throws -> Result {
        try await OperatorBus.with(settings, as: .observer, logger: logger, body)
    }

    /// Writes as the administrator.
    func administering<Result: Sendable>(_ body: (OperatorBus) async throws -> Result) async throws -> Result {
        try await OperatorBus.with(settings, as: .administrator, logger: logger, body)
    }

    func print(_ view: some OperatorView) throws {
        FileHandle.standardOutput.write(Data(try options.output.render(view).utf8))
    }
}
