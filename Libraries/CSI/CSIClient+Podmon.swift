public import GRPCCore

/// The reply of `podmon.v1.Podmon/ValidateVolumeHostConnectivity`.
public struct HostConnectivityReply: Sendable, Hashable {
    public var connected: Bool
    public var iosInProgress: Bool
    public var messages: [String]

    public init(connected: Bool, iosInProgress: Bool, messages: [String]) {
        self.connected = connected
        self.iosInProgress = iosInProgress
        self.messages = messages
    }
}

/// Whether the driver serves the podmon extension.
public enum ExtensionPresence: Sendable, Hashable {
    /// It answered the empty request (Dell drivers say "ValidateVolumeHostConnectivity is implemented").
    case present(messages: [String])
    /// It answered "unimplemented": a driver without the extension (the generic family).
    case absent
    /// It could not be told (socket down, deadline, another error): ask again later. podmon reads
    /// any error as "absent" for the rest of its life; podguard does not.
    case unknown(CSIError)
}

extension CSIClient {
    /// `podmon.v1.Podmon/ValidateVolumeHostConnectivity`. Ask one array per call (see
    /// `ArrayFamily.connectivityQueries`): the drivers answer a multi-array request for whichever
    /// array they checked last.
    public func validateVolumeHostConnectivity(
        nodeID: String, volumeIDs: [String] = [], arrayID: String = "", deadline: Duration? = nil
    ) async throws(CSIError) -> HostConnectivityReply {
        var request = Podmon_V1_ValidateVolumeHostConnectivityRequest()
        request.nodeID = nodeID
        request.volumeIds = volumeIDs
        request.arrayID = arrayID
        let response = try await validate(request, deadline: deadline)
        return HostConnectivityReply(connected: response.connected, iosInProgress: response.iosInProgress,
                                     messages: response.messages)
    }

    /// The presence probe: an empty `ValidateVolumeHostConnectivity` request, as podmon sends at
    /// start-up.
    public func probeExtension(deadline: Duration? = nil) async -> ExtensionPresence {
        do {
            let response = try await validate(Podmon_V1_ValidateVolumeHostConnectivityRequest(), deadline: deadline)
            return .present(messages: response.messages)
        } catch where error.kind == .unimplemented {
            return .absent
        } catch {
            return .unknown(error)
        }
    }

    private func validate(
        _ request: Podmon_V1_ValidateVolumeHostConnectivityRequest, deadline: Duration?
    ) async throws(CSIError) -> Podmon_V1_ValidateVolumeHostConnectivityResponse {
        let podmon = Podmon_V1_Podmon.Client(wrapping: grpc)
        return try await call("ValidateVolumeHostConnectivity", deadline: deadline) { options in
            try await podmon.validateVolumeHostConnectivity(request, options: options)
        }
    }
}
