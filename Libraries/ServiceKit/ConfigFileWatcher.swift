#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Watches a configuration file — typically a mounted ConfigMap — and hands each validated change
/// to its subscribers as an `AsyncSequence`.
///
/// The file is read every `interval` and its content compared with the last (no inotify: a
/// ConfigMap update swaps a `..data` symlink, which a watch on the file itself misses). A change
/// that does not validate is logged as a warning and the previous value stays in force, as podmon
/// does on a reload; the same bad content is reported once. At start, though, the file must exist
/// and validate: `init` throws a `ConfigError` (exit 78).
public final class ConfigFileWatcher<Value: Sendable & Equatable>: Service, Sendable {
    public let path: String
    public let interval: Duration
    private let parse: @Sendable (String) -> Result<Value, any Error>
    private let machine: Mutex<ConfigReloadStateMachine<Value>>
    private let subscribers = Mutex<[Int: AsyncStream<Value>.Continuation]>([:])
    private let nextSubscriber = Atomic<Int>(0)
    private let logger: Logger

    /// Reads and validates the file once.
    ///
    /// - Parameters:
    ///   - key: the configuration key that named the file, for the error message.
    ///   - parse: validates the content; its error's description is what the operator reads.
    public init(path: String, key: String, interval: Duration, logger: Logger,
                parse: @escaping @Sendable (String) -> Result<Value, any Error>) throws(ConfigError) {
        self.path = path
        self.interval = interval
        self.parse = parse
        var logger = logger
        logger[metadataKey: "configFile"] = "\(path)"
        self.logger = logger
        let content: String
        switch Self.read(path) {
        case .success(let text): content = text
        case .failure(let reason):
            throw ConfigError(key: key, message: "cannot read '\(path)' given by '\(key)': \(reason.message)")
        }
        switch parse(content) {
        case .success(let value):
            machine = Mutex(ConfigReloadStateMachine(initial: value, content: content))
        case .failure(let error):
            throw ConfigError(key: key, message: "invalid content in '\(path)' given by '\(key)': \(error)")
        }
    }

    /// The value in force.
    public var current: Value { machine.withLock { $0.current } }

    /// Every validated change from now on (not the current value). The sequence ends when the
    /// watcher stops; a slow subscriber sees only the newest change.
    public func changes() -> AsyncStream<Value> {
        let id = nextSubscriber.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Value>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            } catch {
                break
            }
            poll()
        }
        let ending = subscribers.withLock { subscribers in
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        for continuation in ending { continuation.finish() }
    }

    /// Reads the file once and acts on what changed.
    public func poll() {
        let action: ConfigReloadStateMachine<Value>.Action
        switch Self.read(path) {
        case .success(let content):
            action = machine.withLock { $0.read(content, parse: parse) }
        case .failure(let reason):
            action = machine.withLock { $0.readFailed(reason.message) }
        }
        switch action {
        case .none:
            break
        case .apply(let value):
            logger.info("configuration file changed; applying it")
            let current = subscribers.withLock { Array($0.values) }
            for continuation in current { continuation.yield(value) }
        case .keepPrevious(let reason):
            logger.warning("configuration file not applied; previous values kept", metadata: ["reason": "\(reason)"])
        }
    }

    struct ReadFailure: Error {
        var message: String
    }

    /// The file's content, following symlinks (a ConfigMap's file is a link into `..data`).
    static func read(_ path: String) -> Result<String, ReadFailure> {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            return .failure(ReadFailure(message: exists ? "the file is not readable" : "no such file"))
        }
        return .success(String(decoding: data, as: UTF8.self))
    }
}
