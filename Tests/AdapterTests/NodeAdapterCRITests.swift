import AdapterKit
import ArrayFamily
import CRI
import CRISimulator
import Contracts
import Foundation
import ServiceKit
import Testing

/// A CRI runtime simulator on its own socket for a node adapter's list-containers.
func withCRIRuntime<T: Sendable>(_ containers: [SimulatedContainer],
                                 _ body: (CRIRuntimeSimulator, InMemoryContainerSource) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("pg-cri-\(UInt32.random(in: 0...UInt32.max))", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = InMemoryContainerSource(containers)
    let runtime = CRIRuntimeSimulator(socketPath: dir.appendingPathComponent("containerd.sock").path, source: source,
                                      logger: AdapterBed.quiet)
    try await runtime.start()
    do {
        let result = try await body(runtime, source)
        await runtime.stop()
        return result
    } catch {
        await runtime.stop()
        throw error
    }
}

@Suite("Node adapters answer list-containers through the CRI (runtime simulator, real nats-server)", .serialized)
struct NodeAdapterCRITests {
    static let node1: [SimulatedContainer] = [
        SimulatedContainer(id: "c-db-old", podUID: "uid-db", podName: "db-0", podNamespace: "prod",
                           containerName: "postgres", state: .exited, attempt: 0),
        SimulatedContainer(id: "c-db", podUID: "uid-db", podName: "db-0", podNamespace: "prod",
                           containerName: "postgres", state: .running, attempt: 1),
        SimulatedContainer(id: "c-db-init", podUID: "uid-db", podName: "db-0", podNamespace: "prod",
                           containerName: "init", state: .created),
        SimulatedContainer(id: "c-web", podUID: "uid-web", podName: "web-0", podNamespace: "shop",
                           containerName: "nginx", state: .running),
    ]

    static func list(_ bed: AdapterBed, pods: [String]) async throws -> Podguard_V1_ListContainersReply {
        var request = Podguard_V1_ListContainersRequest()
        request.podUids = pods
        request.timeout = Duration.seconds(5).protobuf
        return try await bed.request(.listContainers, request, as: Podguard_V1_ListContainersReply.self)
    }

    @Test("one pod: its containers, running and exited and created, with pod and container names")
    func onePod() async throws {
        try await withCRIRuntime(Self.node1) { runtime, _ in
            try await withAdapter(.powerstore, node: "node1", criEndpoint: runtime.endpoint) { bed in
                let reply = try await Self.list(bed, pods: ["uid-db"])
                #expect(!reply.hasError, "\(reply.error)")
                #expect(reply.containers.map(\.containerID) == ["c-db-init", "c-db-old", "c-db"])
                #expect(reply.containers.map(\.state) == [.created, .exited, .running])
                let running = try #require(reply.containers.last)
                #expect(running.podUid == "uid-db" && running.podName == "db-0" && running.podNamespace == "prod")
                #expect(running.containerName == "postgres")
                #expect(reply.header.producerID == "adapter-powerstore/test")
            }
        }
    }

    @Test("several pods, and all pods when none is named")
    func pods() async throws {
        try await withCRIRuntime(Self.node1) { runtime, _ in
            try await withAdapter(.unity, node: "node1", criEndpoint: runtime.endpoint) { bed in
                let both = try await Self.list(bed, pods: ["uid-web", "uid-db"])
                #expect(!both.hasError, "\(both.error)")
                #expect(both.containers.count == 4)
                let web = try await Self.list(bed, pods: ["uid-web"])
                #expect(web.containers.map(\.containerID) == ["c-web"])
                #expect(web.containers.first?.podNamespace == "shop")
                let all = try await Self.list(bed, pods: [])
                #expect(Set(all.containers.map(\.containerID)) == Set(Self.node1.map(\.id)))
                let gone = try await Self.list(bed, pods: ["uid-gone"])
                #expect(!gone.hasError && gone.containers.isEmpty)
            }
        }
    }

    @Test("a container that exits shows as exited on the next request")
    func exits() async throws {
        try await withCRIRuntime(Self.node1) { runtime, source in
            try await withAdapter(.powerflex, node: "node1", criEndpoint: runtime.endpoint) { bed in
                let before = try await Self.list(bed, pods: ["uid-web"])
                #expect(before.containers.map(\.state) == [.running])
                await source.setState(.exited, of: "c-web")
                let after = try await Self.list(bed, pods: ["uid-web"])
                #expect(after.containers.map(\.state) == [.exited])
            }
        }
    }

    @Test("runtime socket down: TRANSIENT with retry_after, never containers; back: answers again")
    func socketDownAndBack() async throws {
        try await withCRIRuntime(Self.node1) { runtime, _ in
            try await withAdapter(.powermax, node: "node1", criEndpoint: runtime.endpoint) { bed in
                let before = try await Self.list(bed, pods: ["uid-web"])
                #expect(before.containers.count == 1)
                await runtime.stop()
                let down = try await Self.list(bed, pods: ["uid-web"])
                #expect(down.error.kind == .transient, "\(down.error)")
                #expect(down.error.message.hasPrefix("CRI ListContainers:"), "\(down.error.message)")
                #expect(down.error.hasRetryAfter)
                #expect(down.containers.isEmpty)

                try await runtime.start()
                let recovered = await AdapterBed.eventually {
                    let reply = try? await Self.list(bed, pods: ["uid-web"])
                    return reply.map { !$0.hasError && $0.containers.count == 1 } ?? false
                }
                #expect(recovered)
            }
        }
    }

    @Test("a socket without a CRI runtime (the CSI driver's) answers UNIMPLEMENTED, typed")
    func notARuntime() async throws {
        try await withAdapter(.powerscale, node: "node1") { bed in
            // A second adapter would be needed to point at bed.socketPath; instead ask the driver
            // socket directly through the same mapping the adapter uses.
            let failure = await #expect(throws: CRIError.self) {
                try await CRIClient.withClient(endpoint: CRIEndpoint(path: bed.socketPath)) { client in
                    _ = try await client.containers(ofPods: [])
                }
            }
            let mapped = try AdapterErrorMapping.from(#require(failure),
                                                      hints: .init(transient: .seconds(1), pending: .seconds(30)))
            #expect(mapped.kind == .unimplemented)
            #expect(mapped.grpcCode == 12)
        }
    }

    @Test("no CRI endpoint: UNIMPLEMENTED that says how to configure one")
    func noEndpoint() async throws {
        try await withAdapter(.generic, node: "node1", criEndpoint: nil) { bed in
            let reply = try await Self.list(bed, pods: ["uid-db"])
            #expect(reply.error.kind == .unimplemented)
            #expect(reply.error.message.contains("adapter.criEndpoint"))
        }
    }

    @Test("adapter.criEndpoint: containerd by default, empty or none turns it off, TCP is a configuration error")
    func settings() throws {
        func settings(_ cri: String?, environment: [String: String] = [:]) throws -> AdapterSettings {
            var flags = ["adapter.mode": "node", "adapter.nodeName": "n1"]
            if let cri { flags["adapter.criEndpoint"] = cri }
            let configuration = try ConfigLoader.load(schema: AdapterSettings.schema, file: nil,
                                                      environment: environment, flags: flags)
            return try AdapterSettings(configuration, defaultInstance: "i")
        }
        #expect(try settings(nil).criEndpoint == CRIEndpoint.containerd)
        #expect(try settings("unix:///run/crio/crio.sock").criEndpoint == CRIEndpoint.crio)
        #expect(try settings("").criEndpoint == nil)
        #expect(try settings(nil, environment: ["PODGUARD_ADAPTER_CRI_ENDPOINT": "none"]).criEndpoint == nil)
        let error = #expect(throws: ConfigError.self) { try settings("tcp://127.0.0.1:1") }
        #expect(error?.key == "adapter.criEndpoint")
    }
}
