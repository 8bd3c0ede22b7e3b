import Bus
import Contracts
import Logging
import Foundation
import ServiceKit
import SwiftProtobuf

extension AdapterService {
    /// Answers every request of one subscription, each in its own task; returns when the
    /// subscription ended and every answer is sent.
    func serve(_ subscription: BusSubscription, operation: AdapterOperation, handlers: AdapterHandlers) async {
        await withDiscardingTaskGroup { group in
            for await message in subscription {
                group.addTask { await handle(message, operation: operation, handlers: handlers) }
            }
        }
    }

    /// Decodes, handles, stamps and sends the reply of one request; counts it.
    func handle(_ message: BusMessage, operation: AdapterOperation, handlers: AdapterHandlers) async {
        guard let replyTo = message.replyTo else {
            logger.warning("adapter request without a reply subject ignored", metadata: ["subject": "\(message.subject)"])
            return
        }
        let started = ContinuousClock.now
        let reply: any AdapterReplyMessage = switch operation {
        case .probe: await respond(to: message, handlers.probe)
        case .validateHostConnectivity: await respond(to: message, handlers.validateHostConnectivity)
        case .controllerUnpublish: await respond(to: message, handlers.controllerUnpublish)
        case .nodeUnpublish: await respond(to: message, handlers.nodeUnpublish)
        case .nodeUnstage: await respond(to: message, handlers.nodeUnstage)
        case .listContainers: await respond(to: message, handlers.listContainers)
        }
        metrics.record(operation, error: reply.hasError ? reply.error : nil, duration: ContinuousClock.now - started)
        if reply.hasError {
            logger.debug("adapter request failed", metadata: [
                "operation": "\(operation.rawValue)", "kind": "\(AdapterErrorMapping.label(reply.error.kind))",
                "error": "\(reply.error.message)",
            ])
        }
        do {
            try connection.reply(to: replyTo, with: reply)
        } catch {
            logger.error("could not send an adapter reply", metadata: ["operation": "\(operation.rawValue)", "error": "\(error)"])
        }
    }

    /// Decodes the request from the raw payload (so that an undecodable one still gets a typed
    /// INVALID_REQUEST answer), runs `body` and stamps the reply's header.
    func respond<Request: AdapterRequestMessage, Reply: AdapterReplyMessage>(
        to message: BusMessage, _ body: (Request) async -> Reply
    ) async -> Reply {
        var reply: Reply
        var correlationID = ""
        do {
            let request = try Request(serializedBytes: message.payload)
            correlationID = request.header.correlationID
            reply = await body(request)
        } catch {
            reply = Reply()
            reply.error = AdapterErrorMapping.invalidRequest(
                "undecodable \(Request.protoMessageName) on \(message.subject): \(error)")
        }
        reply.header.producerID = producerID
        reply.header.producedAt = Google_Protobuf_Timestamp(date: Date())
        reply.header.correlationID = correlationID
        reply.header.producerVersion = PodguardVersion.current
        return reply
    }
}
