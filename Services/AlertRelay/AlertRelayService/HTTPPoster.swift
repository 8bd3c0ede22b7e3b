import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP POST with a deadline; anything but a 2xx answer is a failure naming the status and the
/// start of the body (Alertmanager says what it refused). Shared by the Alertmanager and webhook
/// receivers.
struct HTTPPoster: Sendable {
    let client: HTTPClient
    let timeout: Duration

    struct Failure: Error, CustomStringConvertible {
        var url: String
        var why: String
        var description: String { "POST \(url): \(why)" }
    }

    func post(_ body: Data, to url: String, headers: [(String, String)]) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "podguard-alert-relay")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: TimeAmount(timeout))
        } catch {
            throw Failure(url: url, why: "\(error)")
        }
        let answer = try? await response.body.collect(upTo: 16 * 1024)
        guard (200..<300).contains(response.status.code) else {
            let text = answer.map { String(buffer: $0) } ?? ""
            throw Failure(url: url, why: "HTTP \(response.status.code) \(text.prefix(300))")
        }
    }
}
