public import CRI
public import Logging
import SimulatorServer

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
    private let server: UnixSocketGRPCServer

    public init(socketPath: String, source: any ContainerSource, identity: Identity = Identity(),
                logger: Logger = Logger(label: "podguard.cri-sim")) {
        self.socketPath = socketPath
        self.source = source
        self.identity = identity
        self.server = UnixSocketGRPCServer(socketPath: socketPath, logger: logger)
    }

    /// The endpoint a `CRIClient` dials.
    public var endpoint: CRIEndpoint { CRIEndpoint(path: socketPath) }

    /// How many times a method was answered.
    public func callCount(_ method: String) -> Int { calls.value(method) }

    /// Starts serving (removing a stale socket file first); returns once it listens. Starting a
    /// running simulator restarts it.
    public func start() async throws {
        try await server.start([RuntimeServiceSimulator(source: source, identity: identity, calls: calls)])
    }

    /// Stops serving and removes the socket file: the runtime is gone until `start()`. Open calls
    /// finish first (graceful shutdown); only a server that does not end within 3 s is cancelled.
    public func stop() async {
        await server.stop()
    }
}
