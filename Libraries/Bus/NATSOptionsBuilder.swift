import CNATS

/// Turns `BusOptions` into a `natsOptions` object. Every failure names the option at fault.
enum NATSOptionsBuilder {
    static func make(_ options: BusOptions) throws(BusError) -> OpaquePointer {
        var created: OpaquePointer? = nil
        try BusError.check(natsOptions_Create(&created), "create nats options")
        guard let natsOptions = created else { throw BusError.invalidArgument("nats.c returned no options object") }
        do {
            try apply(options, to: natsOptions)
        } catch {
            natsOptions_Destroy(natsOptions)
            throw error
        }
        return natsOptions
    }

    private static func apply(_ options: BusOptions, to natsOptions: OpaquePointer) throws(BusError) {
        let arena = CStringArena()
        let servers = arena.stringArray(options.servers)
        try BusError.check(natsOptions_SetServers(natsOptions, servers, Int32(options.servers.count)),
                           "bus option servers \(options.servers)")
        try BusError.check(natsOptions_SetName(natsOptions, options.name), "bus option name")
        switch options.credentials {
        case .none:
            break
        case .userPassword(let user, let password):
            try BusError.check(natsOptions_SetUserInfo(natsOptions, user, password), "bus option user/password")
        case .token(let token):
            try BusError.check(natsOptions_SetToken(natsOptions, token), "bus option token")
        case .credentialsFile(let path):
            try BusError.check(natsOptions_SetUserCredentialsFromFiles(natsOptions, path, nil),
                               "bus option credentials file \(path)")
        case .nkey(let publicKey, let seedFile):
            try BusError.check(natsOptions_SetNKeyFromSeed(natsOptions, publicKey, seedFile),
                               "bus option nkey seed file \(seedFile)")
        }
        if let tls = options.tls {
            try BusError.check(natsOptions_SetSecure(natsOptions, true), "bus option tls")
            if let caFile = tls.caFile {
                try BusError.check(natsOptions_LoadCATrustedCertificates(natsOptions, caFile), "bus option tls CA file \(caFile)")
            }
            switch (tls.certificateFile, tls.keyFile) {
            case (let certificate?, let key?):
                try BusError.check(natsOptions_LoadCertificatesChain(natsOptions, certificate, key),
                                   "bus option tls certificate \(certificate) / key \(key)")
            case (nil, nil):
                break
            default:
                throw BusError.invalidArgument("bus option tls: a client certificate needs both certificate and key files")
            }
            if let hostname = tls.expectedHostname {
                try BusError.check(natsOptions_SetExpectedHostname(natsOptions, hostname), "bus option tls hostname")
            }
        }
        if let prefix = options.inboxPrefix {
            try BusError.check(natsOptions_SetCustomInboxPrefix(natsOptions, prefix), "bus option inbox prefix '\(prefix)'")
        }
        let maxReconnect = options.reconnect.maxAttempts.map { Int32(clamping: $0) } ?? -1
        try BusError.check(natsOptions_SetMaxReconnect(natsOptions, maxReconnect), "bus option reconnect attempts")
        try BusError.check(natsOptions_SetReconnectBufSize(natsOptions, Int32(clamping: options.reconnect.bufferBytes)),
                           "bus option reconnect buffer")
        try BusError.check(natsOptions_SetPingInterval(natsOptions, options.pingInterval.milliseconds), "bus option ping interval")
        try BusError.check(natsOptions_SetTimeout(natsOptions, options.connectTimeout.milliseconds), "bus option connect timeout")
        try BusError.check(natsOptions_SetSendAsap(natsOptions, options.sendImmediately), "bus option send immediately")
        // Large pending limits in nats.c: our own bounded buffer per subscription is the real limit.
        try BusError.check(natsOptions_SetMaxPendingMsgs(natsOptions, Int32(clamping: max(65_536, options.subscriptionBufferCapacity * 2))),
                           "bus option pending messages")
        withExtendedLifetime(arena) {}
    }

    /// Sets every callback; all reach the same `ConnectionContext` through `closure`.
    static func installCallbacks(_ natsOptions: OpaquePointer, closure: UnsafeMutableRawPointer) throws(BusError) {
        try BusError.check(natsOptions_SetRetryOnFailedConnect(natsOptions, true, connectionConnectedCallback, closure),
                           "bus option retry on failed connect")
        try BusError.check(natsOptions_SetCustomReconnectDelay(natsOptions, connectionReconnectDelayCallback, closure),
                           "bus option reconnect delay")
        try BusError.check(natsOptions_SetDisconnectedCB(natsOptions, connectionDisconnectedCallback, closure), "bus disconnected callback")
        try BusError.check(natsOptions_SetReconnectedCB(natsOptions, connectionReconnectedCallback, closure), "bus reconnected callback")
        try BusError.check(natsOptions_SetClosedCB(natsOptions, connectionClosedCallback, closure), "bus closed callback")
        try BusError.check(natsOptions_SetErrorHandler(natsOptions, connectionErrorCallback, closure), "bus error callback")
    }
}
