import CRI
import GRPCCore

/// The gRPC service of the simulated runtime: Version and ListContainers over the container source.
/// Every other RuntimeService method is unknown to this server and answered UNIMPLEMENTED by gRPC.
struct RuntimeServiceSimulator: Runtime_V1_RuntimeService.SimpleServiceProtocol {
    let source: any ContainerSource
    let identity: CRIRuntimeSimulator.Identity
    let calls: CallCounter

    func version(request: Runtime_V1_VersionRequest, context: ServerContext) async throws -> Runtime_V1_VersionResponse {
        calls.count("Version")
        var response = Runtime_V1_VersionResponse()
        response.version = "0.1.0"
        response.runtimeName = identity.name
        response.runtimeVersion = identity.version
        response.runtimeApiVersion = "v1"
        return response
    }

    func listContainers(request: Runtime_V1_ListContainersRequest, context: ServerContext) async throws
        -> Runtime_V1_ListContainersResponse
    {
        calls.count("ListContainers")
        let all: [SimulatedContainer]
        do {
            all = try await source.containers()
        } catch is CancellationError {
            throw RPCError(code: .cancelled, message: "ListContainers cancelled")
        } catch {
            throw RPCError(code: .internalError, message: "container source failed: \(error)")
        }
        var response = Runtime_V1_ListContainersResponse()
        response.containers = all.map(\.wire).filter { container in
            !request.hasFilter || ContainerFilterMatcher.matches(container, request.filter)
        }
        return response
    }
}
