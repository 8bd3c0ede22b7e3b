import AdapterKit
import ArrayFamily
import Contracts
import CSI
import CSISimulator
import GRPCCore
import SwiftProtobuf
import Testing

@Suite("Error mapping and reply building (pure)")
struct ReplyMappingTests {
    static let hints = AdapterErrorMapping.RetryHints(transient: .seconds(1), pending: .seconds(30))

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var kind: CSIError.Kind
        var code: RPCError.Code?
        var expected: Podguard_V1_AdapterError.Kind
        var grpc: Int32
        var retryAfter: Int64?
        var testDescription: String { "\(kind) → \(expected)" }
    }

    @Test("CSI errors become typed AdapterErrors", arguments: [
        ErrorCase(kind: .transient, code: .deadlineExceeded, expected: .transient, grpc: 4, retryAfter: 1),
        ErrorCase(kind: .unavailable, code: .unavailable, expected: .transient, grpc: 14, retryAfter: 1),
        ErrorCase(kind: .unavailable, code: nil, expected: .transient, grpc: 0, retryAfter: 1),
        ErrorCase(kind: .pending, code: .internalError, expected: .pending, grpc: 13, retryAfter: 30),
        ErrorCase(kind: .permanent, code: .invalidArgument, expected: .permanent, grpc: 3, retryAfter: nil),
        ErrorCase(kind: .notFound, code: .notFound, expected: .notFound, grpc: 5, retryAfter: nil),
        ErrorCase(kind: .unimplemented, code: .unimplemented, expected: .unimplemented, grpc: 12, retryAfter: nil),
    ])
    func mapping(_ c: ErrorCase) {
        let error = AdapterErrorMapping.from(CSIError(kind: c.kind, code: c.code, method: "M", message: "boom"), hints: Self.hints)
        #expect(error.kind == c.expected)
        #expect(error.grpcCode == c.grpc)
        #expect(error.message == "M: boom")
        #expect(error.hasRetryAfter == (c.retryAfter != nil))
        if let seconds = c.retryAfter { #expect(error.retryAfter.seconds == seconds) }
    }

    static func query(_ array: String?) -> ConnectivityQuery {
        ConnectivityQuery(arrayID: array, requestArrayID: array ?? "", volumeIDs: [])
    }
    static func ok(_ array: String?, connected: Bool, io: Bool = false) -> QueryResult {
        QueryResult(query: query(array), result: .success(HostConnectivityReply(connected: connected, iosInProgress: io, messages: [])))
    }
    static func failed(_ array: String?, _ kind: CSIError.Kind = .transient, _ message: String = "deadline") -> QueryResult {
        QueryResult(query: query(array), result: .failure(CSIError(kind: kind, code: nil, method: "ValidateVolumeHostConnectivity", message: message)))
    }

    struct CombineCase: Sendable, CustomTestStringConvertible {
        var name: String
        var family: ArrayFamilyID
        var results: [QueryResult]
        var connectivity: Podguard_V1_Connectivity
        var io: Bool
        var errorKind: Podguard_V1_AdapterError.Kind?
        var extensionPresent = true
        var testDescription: String { name }
    }

    @Test("per-array answers are ANDed (connectivity) and ORed (I/O)", arguments: [
        CombineCase(name: "all connected", family: .powerstore, results: [ok("a", connected: true), ok("b", connected: true)],
                    connectivity: .connected, io: false, errorKind: nil),
        CombineCase(name: "one disconnected (the driver's last-array-wins would say connected)", family: .powerstore,
                    results: [ok("a", connected: false), ok("b", connected: true)], connectivity: .disconnected, io: false, errorKind: nil),
        CombineCase(name: "I/O on one", family: .unity, results: [ok("a", connected: true), ok("b", connected: true, io: true)],
                    connectivity: .connected, io: true, errorKind: nil),
        CombineCase(name: "PowerFlex no corresponding SDC means disconnected", family: .powerflex,
                    results: [failed("a", .permanent, "NodeID is invalid: x - there is no corresponding SDC, error: not found")],
                    connectivity: .disconnected, io: false, errorKind: nil),
        CombineCase(name: "one failed, one connected: unknown, conservative I/O, no error", family: .powermax,
                    results: [failed("a"), ok("b", connected: true)], connectivity: .unknown, io: true, errorKind: nil),
        CombineCase(name: "one failed, one disconnected: disconnected", family: .powermax,
                    results: [failed("a"), ok("b", connected: false)], connectivity: .disconnected, io: true, errorKind: nil),
        CombineCase(name: "all failed: typed error, unknown", family: .powerstore, results: [failed("a"), failed("b", .unavailable)],
                    connectivity: .unknown, io: true, errorKind: .transient),
        CombineCase(name: "unimplemented: no extension", family: .powerstore, results: [failed(nil, .unimplemented)],
                    connectivity: .unknown, io: true, errorKind: .unimplemented, extensionPresent: false),
        CombineCase(name: "no queries: generic UNKNOWN", family: .generic, results: [],
                    connectivity: .unknown, io: false, errorKind: nil, extensionPresent: false),
    ])
    func combine(_ c: CombineCase) {
        let reply = ConnectivityReplyBuilder.reply(family: FamilyCatalog.family(c.family), results: c.results, hints: Self.hints)
        #expect(reply.connectivity == c.connectivity)
        #expect(reply.ioInProgress == c.io)
        #expect(reply.hasError == (c.errorKind != nil))
        if let kind = c.errorKind { #expect(reply.error.kind == kind) }
        #expect(reply.extensionPresent == c.extensionPresent)
        #expect(reply.arrays.count == c.results.count)
        #expect(reply.arrays.map(\.arrayID) == c.results.map { $0.query.arrayID ?? "default" })
    }

    @Test("CSI health: starting → up → down → up; readiness follows; extension presence is sticky")
    func health() {
        var health = CSIConnectionHealth()
        #expect(!health.isReady)
        var changed = health.record(.answered(ready: true, extension: .present(messages: [])))
        #expect(changed)
        #expect(health.isReady && health.extensionPresent == true)
        health.checked()
        #expect(health.warm)
        changed = health.record(.answered(ready: true, extension: .unknown(CSIError(kind: .transient, method: "V", message: "x"))))
        #expect(!changed)
        #expect(health.extensionPresent == true)
        changed = health.record(.failed(CSIError(kind: .unavailable, method: "Probe", message: "gone")))
        #expect(changed)
        #expect(!health.isReady && !health.warm)
        #expect(health.reason?.contains("unreachable") == true)
        changed = health.record(.answered(ready: false, extension: .absent))
        #expect(!changed)
        #expect(!health.isReady && health.extensionPresent == false)
        changed = health.record(.answered(ready: true, extension: .absent))
        #expect(changed)
        #expect(health.isReady)
    }
}
