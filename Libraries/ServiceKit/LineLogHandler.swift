/// A log handler that writes each event as one line in a `Format` (`JSONLogHandler`,
/// `TextLogHandler`): the level, metadata and output plumbing every format shares.
public struct LineLogHandler<Format: LineLogFormat>: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let service: String
    private let output: @Sendable (String) -> Void

    /// - Parameter output: receives each line without its newline; standard error by default
    ///   (tests inject a collector).
    public init(
        label: String,
        service: String,
        level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil,
        output: (@Sendable (String) -> Void)? = nil
    ) {
        self.label = label
        self.service = service
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.output = output ?? LogOutput.standardError
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let pairs = LogOutput.merged(handler: metadata, provider: metadataProvider, event: event.metadata)
        output(Format.line(event, label: label, service: service, metadata: pairs))
    }
}

/// How one event becomes one line.
public protocol LineLogFormat: Sendable {
    static func line(_ event: LogEvent, label: String, service: String, metadata: [(key: String, value: String)]) -> String
}
