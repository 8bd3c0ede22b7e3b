import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The real transport: async-http-client with mutual TLS against a custom CA.
///
/// Foundation's `URLSession` on Linux can neither trust a private CA nor stream a response body,
/// both of which a Kubernetes client needs (the apiserver's CA; watches).
public final class HTTPClientTransport: KubeTransport {
    private let client: HTTPClient
    private let server: String

    public init(configuration: KubeClientConfiguration) throws {
        server = configuration.server
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = configuration.tls.caPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
            if let certificate = configuration.tls.clientCertificatePEM, let key = configuration.tls.clientKeyPEM {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
        } catch {
            throw KubeConfigError.invalid("TLS material is not valid PEM: \(error)")
        }
        if configuration.tls.insecureSkipVerify {
            tls.certificateVerification = .none
        }
        var httpConfiguration = HTTPClient.Configuration(tlsConfiguration: tls)
        httpConfiguration.timeout.connect = .seconds(10)
        // No read timeout: a watch is legitimately silent for minutes (bookmarks aside).
        httpConfiguration.timeout.read = nil
        httpConfiguration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
    }

    public func execute(_ request: KubeHTTPRequest) async throws -> KubeHTTPResponse {
        let deadline = Self.nioDeadline(request.deadline)
        do {
            let response = try await client.execute(try makeRequest(request), deadline: deadline)
            let body = try await response.body.collect(upTo: 256 * 1024 * 1024)
            return KubeHTTPResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(buffer: body))
        } catch {
            throw Self.classify(error)
        }
    }

    public func stream(_ request: KubeHTTPRequest) async throws -> KubeHTTPStreamResponse {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(try makeRequest(request), deadline: Self.nioDeadline(request.deadline))
        } catch {
            throw Self.classify(error)
        }
        let body = response.body
        let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
        let pump = Task {
            do {
                for try await chunk in body {
                    continuation.yield(Data(buffer: chunk))
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: Self.classify(error))
            }
        }
        continuation.onTermination = { _ in pump.cancel() }
        return KubeHTTPStreamResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: stream)
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }

    private func makeRequest(_ request: KubeHTTPRequest) throws -> HTTPClientRequest {
        var result = HTTPClientRequest(url: server + request.target)
        result.method = HTTPMethod(rawValue: request.method.rawValue)
        for header in request.headers {
            result.headers.add(name: header.name, value: header.value)
        }
        if let body = request.body {
            result.body = .bytes(ByteBuffer(data: body))
        }
        return result
    }

    private static func nioDeadline(_ deadline: ContinuousClock.Instant?) -> NIODeadline {
        guard let deadline else { return .distantFuture }
        let remaining = ContinuousClock.now.duration(to: deadline)
        let (seconds, attoseconds) = remaining.components
        return .now() + .nanoseconds(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }

    /// Sorts a library error into "never sent", "lost on the way", "timed out" or "hopeless".
    static func classify(_ error: any Error) -> any Error {
        if error is CancellationError || error is KubeTransportError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled:
                return CancellationError()
            case .connectTimeout, .getConnectionFromPoolTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .tlsHandshakeTimeout:
                return KubeTransportError.notSent("\(error)")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return KubeTransportError.timedOut("\(error)")
            default:
                return KubeTransportError.connectionLost("\(error)")
            }
        }
        if error is NIOConnectionError { return KubeTransportError.notSent("\(error)") }
        if error is NIOSSLError || error is BoringSSLError { return KubeTransportError.failed("TLS: \(error)") }
        if let error = error as? IOError { return KubeTransportError.connectionLost("\(error)") }
        return KubeTransportError.connectionLost("\(error)")
    }
}
