import Foundation

/// A response whose body arrives over time (a watch): status and headers first, then chunks.
public struct KubeHTTPStreamResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    /// Body chunks as they arrive; ends when the server ends the response. Stops (and closes the
    /// stream) when the consuming task is cancelled.
    public var body: AsyncThrowingStream<Data, any Error>

    public init(status: Int, headers: [(name: String, value: String)] = [], body: AsyncThrowingStream<Data, any Error>) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
