public import GRPCCore
import SwiftProtobuf

/// What `GetPluginInfo` says.
public struct PluginInfo: Sendable, Hashable {
    public var name: String
    public var vendorVersion: String
    public var manifest: [String: String]
}

extension CSIClient {
    /// `Identity.Probe`: whether the plugin is ready (an absent `ready` means ready).
    public func probe(deadline: Duration? = nil) async throws(CSIError) -> Bool {
        let identity = Csi_V1_Identity.Client(wrapping: grpc)
        let response = try await call("Probe", deadline: deadline) { options in
            try await identity.probe(Csi_V1_ProbeRequest(), options: options)
        }
        return response.hasReady ? response.ready.value : true
    }

    /// `Identity.GetPluginInfo`.
    public func pluginInfo(deadline: Duration? = nil) async throws(CSIError) -> PluginInfo {
        let identity = Csi_V1_Identity.Client(wrapping: grpc)
        let response = try await call("GetPluginInfo", deadline: deadline) { options in
            try await identity.getPluginInfo(Csi_V1_GetPluginInfoRequest(), options: options)
        }
        return PluginInfo(name: response.name, vendorVersion: response.vendorVersion, manifest: response.manifest)
    }

    /// `Identity.GetPluginCapabilities`.
    public func pluginCapabilities(deadline: Duration? = nil) async throws(CSIError) -> [Csi_V1_PluginCapability] {
        let identity = Csi_V1_Identity.Client(wrapping: grpc)
        return try await call("GetPluginCapabilities", deadline: deadline) { options in
            try await identity.getPluginCapabilities(Csi_V1_GetPluginCapabilitiesRequest(), options: options)
        }.capabilities
    }
}
