public import GRPCCore
import GRPCNIOTransportHTTP2
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A simulator's gRPC server on a unix socket (the CSI driver and the container runtime simulators
/// share it): `stop()` and `start()` simulate the server going away and coming back, as a driver or
/// runtime restart does, and the socket file is gone while stopped.
public final class UnixSocketGRPCServer: Sendable {
    public let socketPath: String
    private let state = Mutex<State>(.stopped)
    private let logger: Logger

    private enum State: ~Copyable {
        case stopped
        case serving(GRPCServer<HTTP2ServerTransport.Posix>, Task<Void, Never>)
    }

    public init(socketPath: String, logger: Logger) {
        self.socketPath = socketPath
        self.logger = logger
    }

    /// Whether the socket is being served.
    public var isServing: Bool {
        state.withLock { state in
            switch state {
            case .serving: true
            case .stopped: false
            }
        }
    }

    /// Starts serving `services` (removing a stale socket file first); returns once it listens.
    /// Starting a running server restarts it.
    public func start(_ services: [any RegistrableRPCService]) async throws {
        _ = unlink(socketPath)
        let transport = HTTP2ServerTransport.Posix(
            address: .unixDomainSocket(path: socketPath), transportSecurity: .plaintext)
        let grpc = GRPCServer(transport: transport, services: services)
        let logger = self.logger
        let task = Task {
            do { try await grpc.serve() } catch { logger.debug("simulator server ended: \(error)") }
        }
        let previous = state.withLock { state in
            let old = consume state
            state = .serving(grpc, task)
            return old
        }
        if case .serving(let oldServer, let oldTask) = consume previous {
            oldServer.beginGracefulShutdown()
            oldTask.cancel()
        }
        _ = try await transport.listeningAddress
    }

    /// Stops serving and removes the socket file. Open calls finish first (graceful shutdown); only
    /// a server that does not end within 3 s is cancelled.
    public func stop() async {
        let current = state.withLock { state in
            let old = consume state
            state = .stopped
            return old
        }
        guard case .serving(let grpc, let task) = consume current else { return }
        grpc.beginGracefulShutdown()
        // Cancelling a server while streams are open trips an assertion in the NIO transport
        // ("Deinited NIOAsyncWriter without calling finish()"), seen when several simulators stop at
        // once: let the graceful shutdown finish the open calls, and cancel only a hung server.
        let ended = EndFlag()
        let watcher = Task { await task.value; ended.mark() }
        let limit = ContinuousClock.now + .seconds(3)
        while !ended.value, ContinuousClock.now < limit { try? await Task.sleep(for: .milliseconds(20)) }
        if !ended.value { task.cancel() }
        await watcher.value
        _ = unlink(socketPath)
    }
}

/// Set once the server task has returned (polled by `stop()`).
private final class EndFlag: Sendable {
    private let ended = Atomic<Bool>(false)
    func mark() { ended.store(true, ordering: .releasing) }
    var value: Bool { ended.load(ordering: .acquiring) }
}
