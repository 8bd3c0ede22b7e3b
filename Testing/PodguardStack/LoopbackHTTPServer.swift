import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// A Hummingbird server of the stack's own (the node simulator's control API, the webhook
/// recorder, the Kubernetes fault proxy) on a free loopback port: started, and its port known,
/// before `start` returns.
struct LoopbackHTTPServer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>

    /// Serves `responder` on 127.0.0.1, a port the kernel picks. `name` says what failed to start.
    static func start<Responder: HTTPResponder>(_ name: String, responder: Responder, server: HTTPServerBuilder = .http1(),
                                                logger: Logger) async throws -> LoopbackHTTPServer
    where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = Application(responder: responder, server: server, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in portSink.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task {
            // A server that never runs (its port taken, its TLS refused) ends the wait for the port.
            defer { portSink.finish() }
            try await app.run()
        }
        var port = 0
        for await bound in ports { port = bound; break }
        guard port > 0 else {
            task.cancel()
            throw StackError("\(name) did not start")
        }
        return LoopbackHTTPServer(port: port, task: task)
    }

    /// Stops serving and waits until the server is gone.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// Stops serving without waiting.
    func cancel() { task.cancel() }
}

/// A value made after the closures that need it (a server's responder needs the object made with
/// the server's port): set once the value exists, nil before.
final class LateBound<Value: Sendable>: Sendable {
    private let slot = Mutex<Value?>(nil)

    var value: Value? {
        get { slot.withLock { $0 } }
        set { slot.withLock { $0 = newValue } }
    }
}
