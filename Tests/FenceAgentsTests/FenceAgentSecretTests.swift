import FenceAgents
import Testing

@Suite("a node's fence agent from its Secret")
struct FenceAgentSecretTests {
    static func data(_ values: [String: String]) -> [String: [UInt8]] { values.mapValues { Array($0.utf8) } }

    @Test("agent, password and options (comments, blanks, spaces around names and values)")
    func reads() throws {
        let target = try FenceAgentTarget(secretData: Self.data([
            "agent": "fence_ipmilan\n", "password": "s3cret\n",
            "options": "# the BMC of worker-3\nip = 10.0.0.12\n\nusername=admin\nlanplus=1\n",
        ]), secretName: "podguard-fence-worker-3")
        #expect(target.agent == "fence_ipmilan")
        #expect(target.password == "s3cret")
        #expect(target.options == ["ip": "10.0.0.12", "username": "admin", "lanplus": "1"])
        #expect(target.description == "fence_ipmilan ip=10.0.0.12 lanplus=1 username=admin password=***")
    }

    @Test("what is refused, and the password in no error", arguments: [
        ["password": "pw-1"],
        ["agent": "/usr/bin/env", "password": "pw-1"],
        ["agent": "fence_ipmilan", "password": "pw-1", "options": "ip"],
        ["agent": "fence_ipmilan", "password": "pw-1", "options": "ip=1\nip=2"],
        ["agent": "fence_ipmilan", "password": "pw-1", "options": "password=pw-1"],
        ["agent": "fence_ipmilan", "password": "pw-1", "options": "Bad=1"],
    ])
    func refuses(_ values: [String: String]) {
        do {
            _ = try FenceAgentTarget(secretData: Self.data(values), secretName: "s")
            Issue.record("accepted \(values.keys.sorted())")
        } catch {
            #expect(!error.description.contains("pw-1"))
            #expect(error.description.contains("Secret s") || error.description.contains("fence"))
        }
    }

    @Test("bytes that are not UTF-8 are named, not decoded")
    func notUTF8() {
        #expect(throws: FenceAgentError.invalidTarget("Secret s: key 'options' is not UTF-8")) {
            _ = try FenceAgentTarget(secretData: ["agent": Array("fence_ipmilan".utf8), "options": [0xff, 0xfe]], secretName: "s")
        }
    }
}
