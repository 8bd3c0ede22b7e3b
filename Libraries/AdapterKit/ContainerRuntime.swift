public import Contracts

/// The container runtime's view of a node (CRI `ListContainers`), for node-cleanup's zombie check.
///
/// AdapterKit ships no CRI client (that needs the runtime's socket and the CRI protos); a node
/// adapter without one answers `list-containers` with UNIMPLEMENTED, which node-cleanup must read
/// as "containers may still run". Tests and a later CRI client plug in here.
public protocol ContainerRuntime: Sendable {
    /// The containers of `podUIDs` (all when empty), within `deadline`.
    func listContainers(podUIDs: [String], deadline: Duration) async throws -> [Podguard_V1_ContainerInfo]
}
