public import CRI
import Foundation
import NodeSimulator

extension PodguardStack {
    /// The containers of these pods the node's container runtime lists (over CRI, as node
    /// adapters ask it), with their states.
    public func containers(on node: String, ofPods uids: [String]) async throws -> [PodContainer] {
        let client = try CRIClient(endpoint: CRIEndpoint(path: try cluster.snapshot(of: node).criSocket))
        let task = Task { try? await client.run() }
        defer {
            client.shutdown()
            task.cancel()
        }
        return try await client.containers(ofPods: uids)
    }
}
