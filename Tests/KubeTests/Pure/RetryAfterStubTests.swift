import Foundation
import Kube
import Synchronization
import Testing

/// A transport that answers from a script: the one place a stub is used (a real apiserver does
/// not answer 429 on demand).
final class ScriptedTransport: KubeTransport {
    private let responses: Mutex<[KubeHTTPResponse]>
    let requests = Mutex<[(method: String, target: String, at: ContinuousClock.Instant)]>([])

    init(_ responses: [KubeHTTPResponse]) {
        self.responses = Mutex(responses)
    }

    func execute(_ request: KubeHTTPRequest) async throws -> KubeHTTPResponse {
        requests.withLock { $0.append((request.method.rawValue, request.target, .now)) }
        return responses.withLock { $0.isEmpty ? KubeHTTPResponse(status: 500) : $0.removeFirst() }
    }

    func stream(_ request: KubeHTTPRequest) async throws -> KubeHTTPStreamResponse {
        throw KubeTransportError.failed("not scripted")
    }

    func shutdown() async throws {}
}

@Suite("429 Retry-After and 5xx handling over a scripted transport")
struct RetryAfterStubTests {
    private static let lease = Data(#"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l","namespace":"ns","resourceVersion":"3"}}"#.utf8)
    private static let tooMany = Data(#"{"kind":"Status","code":429,"reason":"TooManyRequests","message":"slow down"}"#.utf8)

    private func client(_ transport: ScriptedTransport, attempts: Int = 5) -> KubeClient {
        var configuration = KubeClientConfiguration(server: "https://stub.invalid")
        configuration.retry = RetryPolicy(maxAttempts: attempts, backoff: Backoff(initial: .milliseconds(10), maximum: .milliseconds(20)))
        return KubeClient(configuration: configuration, transport: transport)
    }

    @Test func a429IsRetriedAfterRetryAfterEvenForAPost() async throws {
        let transport = ScriptedTransport([
            KubeHTTPResponse(status: 429, headers: [("Retry-After", "1")], body: Self.tooMany),
            KubeHTTPResponse(status: 201, body: Self.lease),
        ])
        let created = try await client(transport).create(Lease(name: "l", namespace: "ns"))
        #expect(created.name == "l")
        let requests = transport.requests.withLock { $0 }
        #expect(requests.map(\.method) == ["POST", "POST"])
        // Honoured: the second attempt came no earlier than Retry-After (a lower bound, not a speed claim).
        #expect(requests[0].at.duration(to: requests[1].at) >= .seconds(1))
    }

    @Test func a503IsRetriedForAGetButNotForAPost() async throws {
        let unavailable = KubeHTTPResponse(status: 503, body: Data(#"{"kind":"Status","code":503,"message":"etcd down"}"#.utf8))
        let getTransport = ScriptedTransport([unavailable, KubeHTTPResponse(status: 200, body: Self.lease)])
        #expect(try await client(getTransport).get(Lease.self, name: "l", namespace: "ns").name == "l")
        #expect(getTransport.requests.withLock { $0.count } == 2)

        let postTransport = ScriptedTransport([unavailable, KubeHTTPResponse(status: 201, body: Self.lease)])
        await #expect { try await client(postTransport).create(Lease(name: "l", namespace: "ns")) } throws: { error in
            guard case .server(let status) = error as? KubeError else { return false }
            return status.message == "etcd down"
        }
        #expect(postTransport.requests.withLock { $0.count } == 1)
    }

    @Test func persistent429sEndInATypedError() async throws {
        let transport = ScriptedTransport(Array(repeating: KubeHTTPResponse(status: 429, body: Self.tooMany), count: 3))
        await #expect { try await client(transport, attempts: 3).get(Lease.self, name: "l", namespace: "ns") } throws: { error in
            guard case .tooManyRequests(let status, _) = error as? KubeError else { return false }
            return status.message == "slow down"
        }
        #expect(transport.requests.withLock { $0.count } == 3)
    }

    @Test func aRetryAfterBeyondTheDeadlineFailsAtOnce() async throws {
        let transport = ScriptedTransport([KubeHTTPResponse(status: 429, headers: [("Retry-After", "60")], body: Self.tooMany)])
        await #expect { try await client(transport).get(Lease.self, name: "l", namespace: "ns", timeout: .seconds(5)) } throws: { error in
            guard case .tooManyRequests(_, let after) = error as? KubeError else { return false }
            return after == .seconds(60)
        }
        #expect(transport.requests.withLock { $0.count } == 1)
    }

    @Test func aCancelledCallStopsWaiting() async throws {
        let transport = ScriptedTransport([KubeHTTPResponse(status: 429, headers: [("Retry-After", "10")], body: Self.tooMany)])
        let kube = client(transport)
        let call = Task { try await kube.get(Lease.self, name: "l", namespace: "ns") }
        try await Task.sleep(for: .milliseconds(200))
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
    }
}
