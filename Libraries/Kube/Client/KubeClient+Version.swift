import Foundation

extension KubeClient {
    /// `GET /version`: which Kubernetes the apiserver runs.
    public func serverVersion(timeout: Duration? = nil) async throws -> ServerVersion {
        let response = try await send(KubeHTTPRequest(method: .GET, path: "/version"), verb: "get", resource: "version", idempotent: true, timeout: timeout)
        let document: JSONValue
        do {
            document = try JSONValue(data: response.body)
        } catch {
            throw KubeError.decoding("version: \(error)")
        }
        return try ServerVersion(wire: document)
    }
}
