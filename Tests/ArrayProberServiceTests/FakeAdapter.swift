import ArrayProberCore
import Bus
import Contracts
import Foundation
import Synchronization

/// A controller adapter stand-in on the real bus for the prober's tests: it answers
/// ValidateHostConnectivity from a table and records who asked for which node. The real adapters
/// and their CSI simulators are exercised by the end-to-end tests.
final class FakeAdapter: Sendable {
    enum Answer: Sendable {
        case connectivity(Podguard_V1_Connectivity, io: Bool)
        case error(Podguard_V1_AdapterError.Kind)
        case silent
    }

    private struct State {
        var answers: [String: Answer] = [:]
        var requests: [(node: String, replica: String)] = []
    }

    private let state = Mutex(State())
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)

    func answer(_ node: String, _ answer: Answer) { state.withLock { $0.answers[node] = answer } }
    func requests() -> [(node: String, replica: String)] { state.withLock { $0.requests } }
    func reset() { state.withLock { $0.requests.removeAll() } }

    func start(on connection: BusConnection, subject: String) throws {
        let requests = try connection.subscribe(to: subject, as: Podguard_V1_ValidateHostConnectivityRequest.self, queue: "adapter-test")
        let handle = Task { [self] in
            for await request in requests {
                guard let replyTo = request.replyTo else { continue }
                let answer: Answer = state.withLock { state in
                    state.requests.append((request.payload.nodeName, request.payload.header.producerID))
                    return state.answers[request.payload.nodeName] ?? .connectivity(.connected, io: false)
                }
                var reply = Podguard_V1_ValidateHostConnectivityReply()
                reply.extensionPresent = true
                switch answer {
                case .silent:
                    continue
                case .error(let kind):
                    reply.error.kind = kind
                    reply.error.message = "injected \(kind)"
                case .connectivity(let connectivity, let io):
                    var array = Podguard_V1_ArrayConnectivityResult()
                    array.arrayID = "7b2f0c5e00000001"
                    array.connectivity = connectivity
                    array.ioInProgress = io
                    reply.arrays = [array]
                    reply.connectivity = connectivity
                    reply.ioInProgress = io
                }
                try? connection.reply(to: replyTo, with: reply)
            }
        }
        task.withLock { $0 = handle }
    }

    func stop() { task.withLock { $0?.cancel() } }
}
