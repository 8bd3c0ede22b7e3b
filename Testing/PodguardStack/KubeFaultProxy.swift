import AsyncHTTPClient
public import Foundation
import Harness
import HTTPTypes
import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// An HTTPS reverse proxy in front of the test control plane's kube-apiserver that can answer
/// every request with an error for a while: the bursts of 429 Too Many Requests (API Priority and
/// Fairness shedding load) and 500 Internal Server Error (etcd trouble) a busy production API
/// server gives. The services reach the API server only through it (`kubeconfig`); the test's
/// own client, the auditor and the simulated kubelets go straight to the API server.
///
/// It terminates TLS with the API server's own serving certificate (issued for 127.0.0.1, so the
/// services' CA trusts it) and serves HTTP/2 and HTTP/1.1, as the API server does; each request goes
/// on to the API server as the admin (the plane's client certificate) unless it carries its own
/// bearer token, which then goes unchanged. Responses stream, so watches pass through.
public final class KubeFaultProxy: Sendable {
    public let port: Int
    private let apiserverURL: String
    private let server: LoopbackHTTPServer
    private let state = Mutex(State())
    private let upstream: Upstream

    struct State {
        var failing: (status: Int, until: ContinuousClock.Instant)?
        var answered: [Int: Int] = [:]
        var forwarded = 0
        var openWatches = 0
        var watchesEnded = 0
    }

    public var url: String { "https://127.0.0.1:\(port)" }

    /// Errors answered so far, by status.
    public var answered: [Int: Int] { state.withLock { $0.answered } }
    /// Requests passed on to the API server so far.
    public var forwarded: Int { state.withLock { $0.forwarded } }
    /// Watches streaming through now, and those that ended so far (for a lost remediation's
    /// diagnosis: a watch the proxy holds open but no longer feeds).
    public var watches: (open: Int, ended: Int) { state.withLock { ($0.openWatches, $0.watchesEnded) } }

    private init(port: Int, apiserverURL: String, server: LoopbackHTTPServer, upstream: Upstream) {
        self.port = port
        self.apiserverURL = apiserverURL
        self.server = server
        self.upstream = upstream
    }

    /// Every request answered with `status` (429 or 500) from now for `duration`.
    public func answer(status: Int, for duration: Duration) {
        state.withLock { $0.failing = (status, ContinuousClock.now + duration) }
    }

    /// A copy of `kubeconfig` in `directory` with the proxy as its server: the same credentials.
    public func rewrite(_ kubeconfig: URL, into directory: URL) throws -> URL {
        let copy = directory.appendingPathComponent(kubeconfig.deletingPathExtension().lastPathComponent + ".via-fault-proxy.kubeconfig")
        try String(contentsOf: kubeconfig, encoding: .utf8).replacingOccurrences(of: apiserverURL, with: url)
            .write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }

    public static func start(plane: KubeControlPlane, logger: Logger) async throws -> KubeFaultProxy {
        let pki = plane.stateDirectory.appendingPathComponent("pki")
        var serverTLS = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(pki.appendingPathComponent("apiserver.crt").path).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: pki.appendingPathComponent("apiserver.key").path, format: .pem)))
        serverTLS.applicationProtocols = ["h2", "http/1.1"]
        let upstream = try Upstream(plane: plane)
        let box = LateBound<KubeFaultProxy>()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            guard let proxy = box.value else { throw HTTPError(.serviceUnavailable) }
            return try await proxy.respond(to: request)
        }
        var quiet = logger
        quiet.logLevel = .critical
        let server = try await LoopbackHTTPServer.start("the Kubernetes fault proxy", responder: responder,
                                                        server: try .http2Upgrade(tlsConfiguration: serverTLS), logger: quiet)
        let proxy = KubeFaultProxy(port: server.port, apiserverURL: plane.apiserverURL, server: server, upstream: upstream)
        box.value = proxy
        return proxy
    }

    /// Stops serving; open watches end.
    public func stop() async {
        await server.stop()
        await upstream.shutdown()
    }

    private func respond(to request: Request) async throws -> Response {
        let failing: Int? = state.withLock { state in
            guard let failing = state.failing, ContinuousClock.now < failing.until else { return nil }
            state.answered[failing.status, default: 0] += 1
            return failing.status
        }
        if let failing { return Self.status(failing) }
        state.withLock { $0.forwarded += 1 }

        var forwarded = HTTPClientRequest(url: upstream.base + request.uri.description)
        forwarded.method = HTTPMethod(rawValue: request.method.rawValue)
        var bearer = false
        for field in request.headers {
            let name = field.name.canonicalName
            if ["host", "connection", "keep-alive", "transfer-encoding", "te", "upgrade"].contains(name) { continue }
            if name == "authorization" { bearer = true }
            forwarded.headers.add(name: field.name.rawName, value: field.value)
        }
        let body = try await request.body.collect(upTo: 64 << 20)
        if body.readableBytes > 0 { forwarded.body = .bytes(body) }
        let response: HTTPClientResponse
        do {
            response = try await (bearer ? upstream.asItself : upstream.asAdmin).execute(forwarded, timeout: .hours(24))
        } catch {
            // The API server is down (restarting): what a load balancer in front of it answers.
            return Self.status(503, message: "the API server is unreachable: \(error)")
        }
        var headers = HTTPFields()
        for header in response.headers {
            let lowered = header.name.lowercased()
            if ["connection", "keep-alive", "transfer-encoding", "content-length"].contains(lowered) { continue }
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        let contentLength = response.headers.first(name: "content-length").flatMap(Int.init)
        let isWatch = request.uri.description.contains("watch=true")
        return Response(status: .init(code: Int(response.status.code)), headers: headers,
                        body: ResponseBody(contentLength: contentLength) { [self] writer in
                            if isWatch { state.withLock { $0.openWatches += 1 } }
                            defer { if isWatch { state.withLock { $0.openWatches -= 1; $0.watchesEnded += 1 } } }
                            for try await chunk in response.body { try await writer.write(chunk) }
                            try await writer.finish(nil)
                        })
    }

    /// A `Status` object, as the API server writes its errors.
    private static func status(_ code: Int, message: String? = nil) -> Response {
        let reason = switch code {
        case 429: "TooManyRequests"
        case 503: "ServiceUnavailable"
        default: "InternalError"
        }
        let text = message ?? (code == 429 ? "the server has received too many requests and has asked us to try again later"
                                           : "an error on the server (\"injected by the fault proxy\") has prevented the request from succeeding")
        let json = try? JSONSerialization.data(withJSONObject: [
            "kind": "Status", "apiVersion": "v1", "metadata": [:] as [String: String], "status": "Failure",
            "message": text, "reason": reason, "details": ["retryAfterSeconds": 1], "code": code,
        ] as [String: Any])
        var headers: HTTPFields = [.contentType: "application/json"]
        if code == 429 { headers[.retryAfter] = "1" }
        return Response(status: .init(code: code), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: json ?? Data())))
    }

    /// Two clients of the API server: as the admin (client certificate), and with no client
    /// certificate for requests that carry a bearer token of their own (the API server would
    /// take the certificate first and ignore the token).
    private struct Upstream: Sendable {
        let base: String
        let asAdmin: HTTPClient
        let asItself: HTTPClient

        init(plane: KubeControlPlane) throws {
            base = plane.apiserverURL
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(plane.caFile)
            asItself = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: Self.configuration(tls))
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(plane.clientCertFile).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: plane.clientKeyFile, format: .pem))
            asAdmin = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: Self.configuration(tls))
        }

        private static func configuration(_ tls: TLSConfiguration) -> HTTPClient.Configuration {
            var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
            configuration.timeout.connect = .seconds(5)
            configuration.timeout.read = nil
            configuration.redirectConfiguration = .disallow
            return configuration
        }

        func shutdown() async {
            try? await asAdmin.shutdown()
            try? await asItself.shutdown()
        }
    }
}
