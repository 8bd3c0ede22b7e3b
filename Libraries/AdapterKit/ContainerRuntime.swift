public import Contracts

/// The container runtime's view of a node (CRI `ListContainers`), for node-cleanup's zombie check.
///
/// A node adapter uses `CRIContainerRuntime` over `adapter.criEndpoint`; with no endpoint it
/// answers `list-containers` with UNIMPLEMENTED, which node-cleanup must read as "containers may
/// still run". Tests can plug in their own.
public protocol ContainerRuntime: Sendable {
    /// The containers of `podUIDs` (all when empty), within `deadline`. A `CRIError` thrown here
    /// is answered with its kind (`AdapterErrorMapping.from(_:hints:)`); anything else is TRANSIENT.
    func listContainers(podUIDs: [String], deadline: Duration) async throws -> [Podguard_V1_ContainerInfo]
}
