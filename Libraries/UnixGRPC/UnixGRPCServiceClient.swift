public import GRPCCore

/// A protocol's client (`CSIClient`, `CRIClient`) built on one `UnixGRPCClient`: its connection
/// lifecycle and call discipline are the core's, so each client only adds its protocol's calls.
public protocol UnixGRPCServiceClient: ConnectionRunning {
    associatedtype FailureKind: RPCFailureKind
    var core: UnixGRPCClient<FailureKind> { get }
}

extension UnixGRPCServiceClient {
    /// Maintains the connection until `shutdown()` (returns normally) or cancellation.
    public func run() async throws {
        try await core.run()
    }

    /// Stops accepting calls and lets `run()` return once in-flight calls finish.
    public func shutdown() {
        core.shutdown()
    }

    /// Runs one call with its deadline (the configured default when nil) and classifies its failure.
    package func call<Response: Sendable>(
        _ method: String, deadline: Duration?,
        _ body: (CallOptions) async throws -> Response
    ) async throws(RPCCallError<FailureKind>) -> Response {
        try await core.call(method, deadline: deadline, body)
    }
}
