public import CRI
import GRPCCore
import GRPCNIOTransportHTTP2
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A container runtime serving CRI `runtime.v1.RuntimeService` Version and ListContainers on a unix
/// socket, from a `ContainerSource` the caller supplies. Other RuntimeService methods are
/// answered UNIMPLEMENTED.
///
/// ```swift
/// let source = InMemoryContainerSource([SimulatedContainer(id: "c1", podUID: "u1", podName: "db-0",
///                                                          containerName: "postgres")])
/// let runtime = CRIRuntimeSimulator(socketPath: "/tmp/x/containerd.sock", source: source)
/// try await runtime.start()
/// ... CRIClient calls ...
/// await runtime.stop()
/// ```
/// `stop()` / `start()` simulate the runtime going away and coming back (a containerd restart):
/// the socket file is removed while stopped.
public final class CRIRuntimeSimulator: Sendable {
    /// What `Version` answers.
    public struct Identity: Sendable, Hashable {
        public var name: String
        public var version: String

        public init(name: String = "podguard-cri-sim", version: String = "1.0.0") {
            self.name = name
            self.version = version
        }
    }

    public let socketPath: String
    public let source: any ContainerSource
    public let identity: Identity
    let calls = CallCounter()
    private let server = Mutex<ServerState>(.stopped)
    private let logger: Logger

    private enum ServerState: ~Copyable {
        case stopped
        case serving(GRPCServer<HTTP2ServerTransport.Posix>, Task<Void, Never>)
    }

    public init(socketPath: String, source: any ContainerSource, identity: Identity = Identity(),
                logger: Logger = Logger(label: "podguard.cri-sim")) {
        self.socketPath = socketPath
        self.source = source
        self.identity = identity
        self.logger = logger
    }

    /// The endpoint a `CRIClient` dials.
    public var endpoint: CRIEndpoint { CRIEndpoint(path: socketPath) }

    /// How many times a method was answered.
    public func callCount(_ method: String) -> Int { calls.value(method) }

    /// Starts serving (removing a stale socket file first); returns once it listens. Starting a
    /// running simulator restarts it.
    public func start() async throws {
        _ = unlink(socketPath)
        let transport = HTTP2ServerTransport.Posix(
            address: .unixDomainSocket(path: socketPath), transportSecurity: .plaintext)
        let grpc = GRPCServer(transport: transport, services: [
            RuntimeServiceSimulator(source: source, identity: identity, calls: calls),
        ])
        let logger = self.logger
        let task = Task {
            do { try await grpc.serve() } catch { logger.debug("CRI simulator server ended: \(error)") }
        }
        let previous = server.withLock { state in
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

    /// Stops serving and removes the socket file: the runtime is gone until `start()`. Open calls
    /// finish first (graceful shutdown); only a server that does not end within 3 s is cancelled.
    public func stop() async {
        let current = server.withLock { state in
            let old = consume state
            state = .stopped
            return old
        }
        guard case .serving(let grpc, let task) = consume current else { return }
        grpc.beginGracefulShutdown()
        // Cancelling a server with open streams trips an assertion in the NIO transport (see
        // CSIDriverSimulator.stop); wait for the graceful end and cancel only a hung server.
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
