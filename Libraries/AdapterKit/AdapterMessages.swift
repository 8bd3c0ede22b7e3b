public import Contracts
public import SwiftProtobuf

/// A request of adapter.proto: every one has a header (whose correlation id the reply copies).
public protocol AdapterRequestMessage: SwiftProtobuf.Message, Sendable {
    var header: Podguard_V1_Header { get set }
}

/// A reply of adapter.proto: a header and the typed error in field 2.
public protocol AdapterReplyMessage: SwiftProtobuf.Message, Sendable {
    var header: Podguard_V1_Header { get set }
    var error: Podguard_V1_AdapterError { get set }
    var hasError: Bool { get }
}

extension Podguard_V1_ProbeRequest: AdapterRequestMessage {}
extension Podguard_V1_ValidateHostConnectivityRequest: AdapterRequestMessage {}
extension Podguard_V1_ControllerUnpublishRequest: AdapterRequestMessage {}
extension Podguard_V1_NodeUnpublishRequest: AdapterRequestMessage {}
extension Podguard_V1_NodeUnstageRequest: AdapterRequestMessage {}
extension Podguard_V1_ListContainersRequest: AdapterRequestMessage {}

extension Podguard_V1_ProbeReply: AdapterReplyMessage {}
extension Podguard_V1_ValidateHostConnectivityReply: AdapterReplyMessage {}
extension Podguard_V1_ControllerUnpublishReply: AdapterReplyMessage {}
extension Podguard_V1_NodeUnpublishReply: AdapterReplyMessage {}
extension Podguard_V1_NodeUnstageReply: AdapterReplyMessage {}
extension Podguard_V1_ListContainersReply: AdapterReplyMessage {}
