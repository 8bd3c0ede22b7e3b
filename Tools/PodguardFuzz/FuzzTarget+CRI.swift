import CRI
import Foundation
import SwiftProtobuf

/// The replies of a container runtime (Libraries/CRI/Generated) through the gRPC client's
/// deserializer, then mapped as Libraries/CRI/CRIClient+Runtime.swift does: `RuntimeVersion`, and
/// each listed container as a `PodContainer` (Libraries/CRI/PodContainer.swift), sorted.
extension FuzzTarget {
    static let criReplies: [(type: any SwiftProtobuf.Message.Type, seed: String)] = [
        (Runtime_V1_VersionResponse.self, #"version: "0.1.0" runtime_name: "containerd" runtime_version: "v1.7.13" runtime_api_version: "v1""#),
        (Runtime_V1_ListContainersResponse.self,
         #"containers { id: "c-1" pod_sandbox_id: "s-1" metadata { name: "postgres" attempt: 2 } image { image: "postgres:16" } state: CONTAINER_RUNNING created_at: 1765000000000000000 labels { key: "io.kubernetes.pod.uid" value: "u-1" } labels { key: "io.kubernetes.pod.name" value: "pg-0" } labels { key: "io.kubernetes.pod.namespace" value: "db" } labels { key: "io.kubernetes.container.name" value: "postgres" } } containers { id: "c-2" metadata { name: "init" } state: CONTAINER_EXITED labels { key: "io.kubernetes.pod.uid" value: "u-2" } }"#),
    ]

    static let criReply = FuzzTarget(
        "cri-reply",
        "a CRI Version or ListContainers reply (first byte picks) through ProtobufDeserializer, mapped to RuntimeVersion / PodContainer(_:) and sorted as containers(ofPods:) does; encode/decode round trip",
        seeds: { _ in contractSeeds(criReplies) }
    ) { bytes in
        let input = FuzzInput(bytes)
        let entry = criReplies[input.selector % criReplies.count]
        if entry.type == Runtime_V1_VersionResponse.self {
            if let reply: Runtime_V1_VersionResponse = try? deserialize(input.rest) {
                _ = RuntimeVersion(version: reply.version, runtimeName: reply.runtimeName,
                                   runtimeVersion: reply.runtimeVersion, runtimeAPIVersion: reply.runtimeApiVersion)
            }
        } else if let reply: Runtime_V1_ListContainersResponse = try? deserialize(input.rest) {
            let containers = reply.containers.map(PodContainer.init)
            _ = containers.sorted { ($0.podUID, $0.containerName, $0.attempt, $0.id) < ($1.podUID, $1.containerName, $1.attempt, $1.id) }
            _ = containers.map(\.state.mayBeExecuting)
        }
        decodeRoundTrip(entry.type, input.rest)
    }
}
