import AsyncHTTPClient
import FenceAgents
import Foundation
import Harness
import Kube
import NIOCore
import NIOHTTP1
import NodeSimulator
import Testing

/// `podguard-node-sim` as a real process against the shared control plane, driven through its
/// loopback control API the way the demo and the end-to-end tests drive it.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct NodeSimulatorProcessTests {
    @Test func controlAPIInjectsAndRecoversFaults() async throws {
        let client = try await SimTestCluster.client()
        let plane = try await KubeControlPlane.shared()
        let prefix = "proc-\(UUID().uuidString.prefix(4).lowercased())"

        let output = Pipe()
        let process = Process()
        process.executableURL = BuildProducts.executable("podguard-node-sim")
        process.arguments = ["--kubeconfig", plane.kubeconfigPath, "--nodes", "2", "--name-prefix", prefix,
                             "--family", "powerflex", "--family", "unity"]
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        let line = await ProcessOutput.line(of: output, containing: "control API on")
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) },
                                "start-up line: \(line) (output of podguard-node-sim follows)")
        let base = "http://127.0.0.1:\(port)"
        let http = HTTPClient.shared

        let nodes = try await Self.get(http, "\(base)/nodes")
        #expect(nodes.contains("\"\(prefix)-1\"") && nodes.contains("\"\(prefix)-2\""))
        let node = try await client.get(Node.self, name: "\(prefix)-1")
        #expect(node.csiNodeIDs.keys.sorted() == ["csi-unity.dellemc.com", "csi-vxflexos.dellemc.com"])

        #expect(try await Self.send(http, "\(base)/nodes/\(prefix)-1/faults", method: .POST, body: #"{"kind":"interface-down"}"#) == 200)
        #expect(try await Self.get(http, "\(base)/nodes").contains(#""state":"interface-down""#))
        try await eventually("unreachable taint on \(prefix)-1") {
            try await client.get(Node.self, name: "\(prefix)-1").taints.contains { $0.key == "node.kubernetes.io/unreachable" }
        }
        #expect(try await Self.send(http, "\(base)/nodes/\(prefix)-1/faults", method: .POST, body: #"{"kind":"no-such-fault"}"#) == 400)
        #expect(try await Self.send(http, "\(base)/nodes/\(prefix)-1/faults/interface-down", method: .DELETE) == 200)
        try await eventually("\(prefix)-1 Ready again") {
            try await client.get(Node.self, name: "\(prefix)-1").readyCondition?.status == "True"
        }
        #expect(try await Self.get(http, "\(base)/invariant").contains("\"ok\":true"))

        // SIGTERM: a graceful stop that removes the simulated nodes.
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(try await client.getIfPresent(Node.self, name: "\(prefix)-1") == nil)
    }

    @Test("a simulated BMC switches its node: fence_ipmilan off takes it down, on boots it with a new boot ID")
    func bmcPowersTheNode() async throws {
        let plane = try await KubeControlPlane.shared()
        let prefix = "bmc-\(UUID().uuidString.prefix(4).lowercased())"
        let output = Pipe()
        let process = Process()
        process.executableURL = BuildProducts.executable("podguard-node-sim")
        process.arguments = ["--kubeconfig", plane.kubeconfigPath, "--nodes", "1", "--name-prefix", prefix, "--family", "powerflex"]
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        let line = await ProcessOutput.line(of: output, containing: "control API on")
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        let base = "http://127.0.0.1:\(port)"
        let node = "\(prefix)-1"
        let hook = "\(BuildProducts.executable("podguard-node-sim").path) chassis --control \(base) --node \(node)"
        let bmc = try await IPMISimulatorProcess.start(password: "bmc-pw", chassisHook: hook)
        defer { bmc.stop() }
        let target = FenceAgentTarget(agent: "fence_ipmilan",
                                      options: ["ip": "127.0.0.1", "ipport": "\(bmc.port)", "username": bmc.username,
                                                "lanplus": "1", "cipher": "3"], password: bmc.password)
        let runner = FenceAgentRunner(timeout: .seconds(30))
        let before = try await Self.get(HTTPClient.shared, "\(base)/nodes")
        #expect(try await runner.status(target) == .on)

        try await runner.powerOffConfirmed(target)
        #expect(try await Self.get(HTTPClient.shared, "\(base)/nodes").contains(#""state":"rebooting""#))
        #expect(try await Self.get(HTTPClient.shared, "\(base)/nodes/\(node)/power").contains(#""on":false"#))

        try await runner.powerOn(target)
        let after = try await Self.get(HTTPClient.shared, "\(base)/nodes")
        #expect(after.contains(#""state":"healthy""#))
        #expect(after.contains(#""boots":2"#) && before.contains(#""boots":1"#))
    }

    static func get(_ http: HTTPClient, _ url: String) async throws -> String {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }

    static func send(_ http: HTTPClient, _ url: String, method: HTTPMethod, body: String? = nil) async throws -> UInt {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.status.code
    }
}
