import CSI
import GRPCCore
import Testing

@Suite("CSI errors, addresses and the pending rule")
struct CSIErrorTests {
    @Test("gRPC status codes map to typed kinds; a message ending in 'pending' is pending whatever the code")
    func mapping() {
        let cases: [(RPCError.Code, String, CSIError.Kind)] = [
            (.notFound, "volume not found", .notFound),
            (.unimplemented, "unknown service podmon.v1.Podmon", .unimplemented),
            (.unavailable, "connection refused", .unavailable),
            (.invalidArgument, "The NodeID is a required field", .permanent),
            (.failedPrecondition, "published to another node", .permanent),
            (.deadlineExceeded, "timed out", .transient),
            (.internalError, "error getting host ID", .transient),
            (.aborted, "Could not find default array", .transient),
            (.internalError, "unpublish of vol1 is pending", .pending),
            (.unavailable, "operation pending", .pending),
            (.internalError, "pending operation failed", .transient),
        ]
        for (code, message, kind) in cases {
            let error = CSIError(RPCError(code: code, message: message), method: "M")
            #expect(error.kind == kind, "\(code) \(message)")
            #expect(error.code == code)
        }
        #expect(CSIError(RPCError(code: .deadlineExceeded, message: ""), method: "M").isDeadlineExceeded)
    }

    @Test("CSI endpoints: unix:///path, unix:/path and /path; no TCP, no relative paths")
    func addresses() throws {
        #expect(try CSIAddress(parsing: "unix:///var/run/csi/csi.sock").path == "/var/run/csi/csi.sock")
        #expect(try CSIAddress(parsing: "unix:/var/run/csi/csi.sock").path == "/var/run/csi/csi.sock")
        #expect(try CSIAddress(parsing: "/var/lib/kubelet/plugins/vxflexos.emc.dell.com/csi_sock").path
                == "/var/lib/kubelet/plugins/vxflexos.emc.dell.com/csi_sock")
        #expect(throws: CSIError.self) { try CSIAddress(parsing: "tcp://127.0.0.1:10000") }
        #expect(throws: CSIError.self) { try CSIAddress(parsing: "csi.sock") }
        #expect(CSIAddress(path: "/x/csi.sock").description == "unix:///x/csi.sock")
    }

    actor Attempts {
        var count = 0
        func next() -> Int { count += 1; return count }
    }

    @Test("pending errors are retried up to 3 attempts in all; other errors are not retried")
    func pendingRule() async throws {
        let policy = PendingRetryPolicy(maxAttempts: 3, delay: .milliseconds(1))
        #expect(PendingRetryPolicy.podmon == PendingRetryPolicy(maxAttempts: 3, delay: .seconds(30)))

        let twice = Attempts()
        let value = try await policy.run { () async throws(CSIError) -> Int in
            let n = await twice.next()
            if n < 3 { throw CSIError(kind: .pending, method: "M", message: "is pending") }
            return n
        }
        #expect(value == 3)

        let always = Attempts()
        await #expect(throws: CSIError.self) {
            try await policy.run { () async throws(CSIError) -> Int in
                _ = await always.next()
                throw CSIError(kind: .pending, method: "M", message: "is pending")
            }
        }
        #expect(await always.count == 3)

        let permanent = Attempts()
        await #expect(throws: CSIError.self) {
            try await policy.run { () async throws(CSIError) -> Int in
                _ = await permanent.next()
                throw CSIError(kind: .permanent, method: "M", message: "bad")
            }
        }
        #expect(await permanent.count == 1)
    }
}
