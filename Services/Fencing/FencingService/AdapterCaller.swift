import Bus
import Contracts
import FencingCore
import Foundation
import SwiftProtobuf

/// fencing's requests to the controller adapters (request/reply on
/// `<prefix>.v1.adapter.<family>.controller.*`, answered by one replica of the family's queue group).
struct AdapterCaller: Sendable {
    let connection: BusConnection
    let subjects: PodguardSubjects
    let messages: FencingMessages
    let settings: FencingSettings

    /// ValidateHostConnectivity for the node and the given volumes of one family.
    func validate(family: Podguard_V1_ArrayFamily, node: String, csiNodeID: String, volumeHandles: [String],
                  correlation: String) async -> FenceValidation.Reply {
        var request = Podguard_V1_ValidateHostConnectivityRequest()
        request.header = messages.header(at: Date(), correlation: correlation)
        request.nodeName = node
        request.csiNodeID = csiNodeID
        request.volumeHandles = volumeHandles
        request.timeout = settings.validateTimeout.protobuf
        do {
            // Wait a little longer than the adapter's own deadline, so its typed error arrives.
            let reply = try await connection.request(
                request, to: subjects.adapterController(family: family, operation: .validateHostConnectivity),
                expecting: Podguard_V1_ValidateHostConnectivityReply.self, timeout: settings.validateTimeout + .seconds(2))
            if reply.hasError { return .failed(AdapterFailure(reply.error)) }
            return .answered(reply.connectivity, ioInProgress: reply.ioInProgress, extensionPresent: reply.extensionPresent)
        } catch {
            return .failed(AdapterFailure(error))
        }
    }

    /// ControllerUnpublishVolume of one volume from the node; nil when it is unpublished.
    func unpublish(_ volume: Podguard_V1_FenceVolume, node: String, csiNodeID: String, fenceID: String,
                   correlation: String) async -> AdapterFailure? {
        var request = Podguard_V1_ControllerUnpublishRequest()
        request.header = messages.header(at: Date(), correlation: correlation)
        request.volumeHandle = volume.volumeHandle
        request.csiNodeID = csiNodeID
        request.nodeName = node
        request.fenceID = fenceID
        do {
            let reply = try await connection.request(
                request, to: subjects.adapterController(family: volume.family, operation: .controllerUnpublish),
                expecting: Podguard_V1_ControllerUnpublishReply.self, timeout: settings.unpublishTimeout(volume.family))
            return reply.hasError ? AdapterFailure(reply.error) : nil
        } catch {
            return AdapterFailure(error)
        }
    }

}
