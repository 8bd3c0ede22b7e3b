import Bus
import Harness
import Logging
import Synchronization

/// Starts a real nats-server for one test and connects clients to it.
struct BusTestBed {
    let server: NATSServerProcess

    static func start(jetStream: Bool = true) async throws -> BusTestBed {
        BusTestBed(server: try await NATSServerProcess.start(jetStream: jetStream))
    }

    func connect(name: String = "test", bufferCapacity: Int = 65_536, reconnect: ReconnectPolicy = .init()) async throws -> BusConnection {
        var options = BusOptions(servers: [server.url], name: name)
        options.subscriptionBufferCapacity = bufferCapacity
        options.reconnect = reconnect
        var logger = Logger(label: "test.\(name)")
        logger.logLevel = .warning
        let connection = try await BusConnection.connect(options, logger: logger)
        try await connection.waitUntilConnected(timeout: .seconds(5))
        return connection
    }

    func stop() {
        server.stop()
    }
}

extension Array where Element == UInt8 {
    init(text: String) { self = Array(text.utf8) }
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// Collects up to `count` elements, or those that arrived before `timeout` passed.
func collect<S: AsyncSequence & Sendable>(_ sequence: S, count: Int, timeout: Duration) async throws -> [S.Element]
where S.Element: Sendable {
    let items = LockedArray<S.Element>()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            for try await item in sequence {
                let done = items.append(item) >= count
                if done { return }
            }
        }
        group.addTask { try await Task.sleep(for: timeout) }
        try await group.next()
        group.cancelAll()
    }
    return items.snapshot()
}

final class LockedArray<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])

    /// Appends and returns the new count.
    func append(_ item: Element) -> Int {
        items.withLock { items in
            items.append(item)
            return items.count
        }
    }

    func snapshot() -> [Element] { items.withLock { $0 } }
}
