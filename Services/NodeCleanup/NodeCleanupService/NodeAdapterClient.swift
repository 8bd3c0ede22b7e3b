import Bus
import Contracts
import NodeCleanupCore
import SwiftProtobuf

/// node-cleanup's calls to the node adapters of its node (request/reply on
/// `<prefix>.v1.adapter.<family>.node.<node>.<operation>`). A missing or late reply becomes a
/// TRANSIENT `AdapterError`, so callers handle one kind of failure.
struct NodeAdapterClient: Sendable {
    let connection: BusConnection
    let subjects: PodguardSubjects
    let node: String
    let callTimeout: Duration
    let replyTimeout: Duration
    let containerCheckTimeout: Duration

    func unpublish(_ request: Podguard_V1_NodeUnpublishRequest, family: Podguard_V1_ArrayFamily) async -> Podguard_V1_AdapterError? {
        var request = request
        request.timeout = callTimeout.protobuf
        let reply = await call(request, family: family, operation: .nodeUnpublish, as: Podguard_V1_NodeUnpublishReply.self,
                               wait: replyTimeout)
        return reply.map { $0.hasError ? $0.error : nil } ?? unreachable(family, .nodeUnpublish)
    }

    func unstage(_ request: Podguard_V1_NodeUnstageRequest, family: Podguard_V1_ArrayFamily) async -> Podguard_V1_AdapterError? {
        var request = request
        request.timeout = callTimeout.protobuf
        let reply = await call(request, family: family, operation: .nodeUnstage, as: Podguard_V1_NodeUnstageReply.self,
                               wait: replyTimeout)
        return reply.map { $0.hasError ? $0.error : nil } ?? unreachable(family, .nodeUnstage)
    }

    /// The containers of `podUIDs` the runtime knows, or the error that kept us from knowing.
    func listContainers(podUIDs: [String], header: Podguard_V1_Header,
                        family: Podguard_V1_ArrayFamily) async -> Result<[Podguard_V1_ContainerInfo], AdapterCallError> {
        var request = Podguard_V1_ListContainersRequest()
        request.header = header
        request.podUids = podUIDs
        request.timeout = containerCheckTimeout.protobuf
        // A little longer than the adapter's own deadline, so its typed error arrives first.
        guard let reply = await call(request, family: family, operation: .listContainers, as: Podguard_V1_ListContainersReply.self,
                                     wait: containerCheckTimeout + .seconds(2))
        else { return .failure(AdapterCallError(unreachable(family, .listContainers))) }
        return reply.hasError ? .failure(AdapterCallError(reply.error)) : .success(reply.containers)
    }

    private func call<Reply: SwiftProtobuf.Message>(_ request: some SwiftProtobuf.Message, family: Podguard_V1_ArrayFamily,
                                                    operation: AdapterOperation, as type: Reply.Type, wait: Duration) async -> Reply? {
        let subject = subjects.adapterNode(family: family, node: node, operation: operation)
        return try? await connection.request(request, to: subject, expecting: Reply.self, timeout: wait)
    }

    private func unreachable(_ family: Podguard_V1_ArrayFamily, _ operation: AdapterOperation) -> Podguard_V1_AdapterError {
        var error = Podguard_V1_AdapterError()
        error.kind = .transient
        error.message = "no reply from the \(PodguardSubjects.token(family)) node adapter on \(node) to \(operation.rawValue)"
        return error
    }

}

/// An adapter call that failed, with the adapter's typed error.
struct AdapterCallError: Error, Sendable {
    let error: Podguard_V1_AdapterError
    init(_ error: Podguard_V1_AdapterError) { self.error = error }
}
