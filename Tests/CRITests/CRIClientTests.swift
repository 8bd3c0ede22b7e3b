import CRI
import CRISimulator
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import Testing

@Suite("CRIClient against the CRI runtime simulator on a unix socket", .serialized)
struct CRIClientTests {
    @Test("Version answers the runtime's identity")
    func version() async throws {
        try await withRuntime { bed in
            let version = try await bed.client.version()
            #expect(version.runtimeName == "podguard-cri-sim")
            #expect(version.runtimeAPIVersion == "v1")
            #expect(version.version == "0.1.0")
        }
    }

    @Test("one pod: its containers only, every state, pod read from the kubelet's labels")
    func onePod() async throws {
        try await withRuntime(twoPods) { bed in
            let containers = try await bed.client.containers(ofPods: ["uid-db"])
            #expect(containers.map(\.id) == ["c-db-sidecar", "c-db-old", "c-db"])
            let running = try #require(containers.first { $0.id == "c-db" })
            #expect(running == PodContainer(id: "c-db", podSandboxID: "sandbox-uid-db", podUID: "uid-db", podName: "db-0",
                                            podNamespace: "prod", containerName: "postgres", attempt: 1, state: .running,
                                            createdAtNanoseconds: 2_000, image: "registry.local/app:1"))
            #expect(containers.map(\.state) == [.created, .exited, .running])
            #expect(containers.filter(\.state.mayBeExecuting).map(\.id) == ["c-db-sidecar", "c-db"])
        }
    }

    @Test("several pods are one unfiltered list filtered by uid; none means every container")
    func severalPods() async throws {
        var stray = SimulatedContainer(id: "c-stray", podUID: "", podName: "", containerName: "pause")
        stray.extraLabels = ["made-by": "hand"]
        try await withRuntime(twoPods + [stray]) { bed in
            let both = try await bed.client.containers(ofPods: ["uid-web", "uid-db", "uid-gone"])
            #expect(Set(both.map(\.podUID)) == ["uid-db", "uid-web"])
            #expect(both.count == 4)
            let all = try await bed.client.containers(ofPods: [])
            #expect(all.count == 5)
            #expect(all.first?.id == "c-stray" && all.first?.podUID == "")
            let gone = try await bed.client.containers(ofPods: ["uid-gone"])
            #expect(gone.isEmpty)
        }
    }

    @Test("the runtime's filters: id, state (CREATED is a real filter), sandbox, labels ANDed")
    func filters() async throws {
        try await withRuntime(twoPods) { bed in
            func ids(_ build: (inout Runtime_V1_ContainerFilter) -> Void) async throws -> [String] {
                var filter = Runtime_V1_ContainerFilter()
                build(&filter)
                return try await bed.client.listContainers(filter: filter).map(\.id).sorted()
            }
            let byID = try await ids { $0.id = "c-web" }
            #expect(byID == ["c-web"])
            let running = try await ids { $0.state.state = .containerRunning }
            #expect(running == ["c-db", "c-web"])
            let created = try await ids { $0.state.state = .containerCreated }
            #expect(created == ["c-db-sidecar"])
            let bySandbox = try await ids { $0.podSandboxID = "sandbox-uid-web" }
            #expect(bySandbox == ["c-web"])
            let byLabels = try await ids {
                $0.labelSelector = [KubeletLabels.podUID: "uid-db", KubeletLabels.containerName: "postgres"]
            }
            #expect(byLabels == ["c-db", "c-db-old"])
            let labelsAndState = try await ids {
                $0.labelSelector = [KubeletLabels.podUID: "uid-db"]
                $0.state.state = .containerExited
            }
            #expect(labelsAndState == ["c-db-old"])
            let everything = try await bed.client.listContainers()
            #expect(everything.count == 4)
            #expect(bed.runtime.callCount("ListContainers") == 7)
        }
    }

    @Test("a state change in the source shows in the next list")
    func liveSource() async throws {
        try await withRuntime(twoPods) { bed in
            let before = try await bed.client.containers(ofPods: ["uid-web"])
            #expect(before.map(\.state) == [.running])
            await bed.source.setState(.exited, of: "c-web")
            let after = try await bed.client.containers(ofPods: ["uid-web"])
            #expect(after.map(\.state) == [.exited])
            await bed.source.remove(id: "c-web")
            let removed = try await bed.client.containers(ofPods: ["uid-web"])
            #expect(removed.isEmpty)
        }
    }

    @Test("runtime gone: UNAVAILABLE at once, typed; back: the same client recovers")
    func socketDownAndBack() async throws {
        try await withRuntime(twoPods) { bed in
            let before = try await bed.client.containers(ofPods: ["uid-web"])
            #expect(before.count == 1)
            await bed.runtime.stop()
            let failure = await #expect(throws: CRIError.self) {
                _ = try await bed.client.containers(ofPods: ["uid-web"])
            }
            #expect(failure?.kind == .unavailable || failure?.kind == .transient, "\(String(describing: failure))")
            #expect(failure?.method == "ListContainers")

            try await bed.runtime.start()
            let recovered = await RuntimeBed.eventually {
                (try? await bed.client.containers(ofPods: ["uid-web"]).count) == 1
            }
            #expect(recovered)
        }
    }

    @Test("a runtime slower than the deadline: transient, deadline exceeded")
    func deadline() async throws {
        try await withRuntime(twoPods) { bed in
            await bed.source.setAnswerDelay(.seconds(1))
            let failure = await #expect(throws: CRIError.self) {
                _ = try await bed.client.containers(ofPods: [], deadline: .milliseconds(200))
            }
            #expect(failure?.kind == .transient)
            #expect(failure?.isDeadlineExceeded == true)
            await bed.source.setAnswerDelay(.zero)
        }
    }

    @Test("RuntimeService methods the simulator does not serve answer UNIMPLEMENTED")
    func otherMethods() async throws {
        try await withRuntime { bed in
            let transport = try HTTP2ClientTransport.Posix(
                target: .unixDomainSocket(path: bed.runtime.socketPath), transportSecurity: .plaintext)
            try await withGRPCClient(transport: transport) { grpc in
                let status = MethodDescriptor(fullyQualifiedService: "runtime.v1.RuntimeService", method: "Status")
                let error = await #expect(throws: RPCError.self) {
                    try await grpc.unary(
                        request: ClientRequest(message: Runtime_V1_VersionRequest()), descriptor: status,
                        serializer: ProtobufSerializer<Runtime_V1_VersionRequest>(),
                        deserializer: ProtobufDeserializer<Runtime_V1_VersionResponse>(), options: .defaults
                    ) { try $0.message }
                }
                #expect(error?.code == .unimplemented)
            }
        }
    }
}

@Suite("CRI endpoints")
struct CRIEndpointTests {
    @Test("unix socket forms are accepted", arguments: [
        ("unix:///run/containerd/containerd.sock", "/run/containerd/containerd.sock"),
        ("unix:/run/crio/crio.sock", "/run/crio/crio.sock"),
        ("/var/run/dockershim.sock", "/var/run/dockershim.sock"),
    ])
    func accepted(_ endpoint: String, _ path: String) throws {
        #expect(try CRIEndpoint(parsing: endpoint).path == path)
        #expect(try CRIEndpoint(parsing: endpoint).description == "unix://\(path)")
    }

    @Test("TCP and relative endpoints are refused as permanent", arguments: [
        "tcp://127.0.0.1:1234", "run/containerd.sock", "unix://relative.sock", "",
    ])
    func refused(_ endpoint: String) {
        #expect(throws: CRIError.self) { try CRIEndpoint(parsing: endpoint) }
        #expect((try? CRIEndpoint(parsing: endpoint)) == nil)
    }

    @Test("container states: only EXITED is certainly not executing")
    func states() {
        #expect(CRIContainerState.allCases.filter(\.mayBeExecuting) == [.created, .running, .unknown])
        for state in CRIContainerState.allCases { #expect(CRIContainerState(state.wire) == state) }
        #expect(CRIContainerState(Runtime_V1_ContainerState.UNRECOGNIZED(9)) == .unknown)
    }
}
