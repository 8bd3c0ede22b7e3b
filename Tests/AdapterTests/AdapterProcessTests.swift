import AdapterKit
import ArrayFamily
import Bus
import Contracts
import CSISimulator
import Foundation
import Harness
import Testing

/// `podguard-adapter-powerflex` and `podguard-csi-sim` as real processes, one round trip over the bus.
@Suite("Adapter executables as processes", .serialized)
struct AdapterProcessTests {
    static func launch(_ name: String, _ arguments: [String], stdout: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = BuildProducts.executable(name)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PODGUARD_") }
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()   // SIGTERM: graceful shutdown
        process.waitUntilExit()
    }

    @Test("a configuration error (node mode without a node name) exits 78")
    func configurationError() throws {
        let process = try Self.launch("podguard-adapter-powerflex", ["--adapter.mode", "node", "--http.port", "0"])
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
    }

    @Test("probe and validate through podguard-adapter-powerflex to podguard-csi-sim")
    func roundTrip() async throws {
        let server = try await NATSServerProcess.start(jetStream: false)
        defer { server.stop() }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("pg-adapter-proc-\(UInt32.random(in: 0...UInt32.max))", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let socket = dir.appendingPathComponent("csi.sock").path

        let simOut = Pipe()
        let sim = try Self.launch("podguard-csi-sim", ["--family", "powerflex", "--socket", "unix://\(socket)"], stdout: simOut)
        defer { Self.stop(sim) }
        let line = await ProcessOutput.line(of: simOut, containing: "control API on")
        #expect(line.contains("control API on http://127.0.0.1:"), "simulator said: \(line)")

        let adapter = try Self.launch("podguard-adapter-powerflex", [
            "--bus.servers", server.url, "--adapter.csiSocket", "unix://\(socket)", "--http.port", "0",
            "--adapter.csiProbeInterval", "200ms", "--adapter.instance", "proc",
        ])
        defer { Self.stop(adapter) }

        let bus = try await BusConnection.connect(BusOptions(servers: [server.url], name: "test"), logger: AdapterBed.quiet)
        defer { Task { await bus.close() } }
        try await bus.waitUntilConnected(timeout: .seconds(5))
        let subjects = AdapterSubjects(subjects: .standard, family: .powerflex, mode: .controller)

        // The adapter subscribes once it has started; ask until it answers.
        var probe: Podguard_V1_ProbeReply?
        _ = await AdapterBed.eventually(within: .seconds(30)) {
            probe = try? await bus.request(Podguard_V1_ProbeRequest(), to: subjects.subject(.probe),
                                           expecting: Podguard_V1_ProbeReply.self, timeout: .seconds(2))
            return probe?.hasError == false
        }
        let reply = try #require(probe)
        #expect(!reply.hasError, "\(reply.error)")
        #expect(reply.driverName == "csi-vxflexos.dellemc.com")
        #expect(reply.extensionPresent)
        #expect(reply.header.producerID == "adapter-powerflex/proc")

        // node1 of the simulator, by the simulator's deterministic host facts.
        let family = FamilyCatalog.family(.powerflex)
        let host = SimulatedHost.make(index: 1, family: family, arrays: FamilyCatalog.exampleArrays(.powerflex))
        var request = Podguard_V1_ValidateHostConnectivityRequest()
        request.nodeName = "node1"
        request.csiNodeID = host.nodeID
        let validate = try await bus.request(request, to: subjects.subject(.validateHostConnectivity),
                                             expecting: Podguard_V1_ValidateHostConnectivityReply.self, timeout: .seconds(10))
        #expect(!validate.hasError, "\(validate.error)")
        #expect(validate.connectivity == .connected)

        Self.stop(adapter)
        #expect(adapter.terminationStatus == 0)
    }
}
