/// Sends requests to the apiserver. ``HTTPClientTransport`` is the real one.
public protocol KubeTransport: Sendable {
    func execute(_ request: KubeHTTPRequest) async throws -> KubeHTTPResponse
    func stream(_ request: KubeHTTPRequest) async throws -> KubeHTTPStreamResponse
    func shutdown() async throws
}
