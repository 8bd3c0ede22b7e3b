import CSI

/// One CSI controller call over the real socket, as podguard's fencing would make it.
enum ControllerCall {
    static func unpublish(socket: String, volume: String, nodeID: String) async throws {
        try await CSIClient.withClient(endpoint: CSIAddress(path: socket)) { client in
            try await client.controllerUnpublish(volumeID: volume, nodeID: nodeID)
        }
    }
}
