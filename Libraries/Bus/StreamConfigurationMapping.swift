import CNATS

/// Between the Swift configuration values and nats.c's structs.
enum StreamConfigurationMapping {
    static func cStruct(_ configuration: StreamConfiguration, arena: CStringArena) -> jsStreamConfig {
        var config = jsStreamConfig()
        jsStreamConfig_Init(&config)
        config.Name = arena.string(configuration.name)
        config.Description = arena.optionalString(configuration.description)
        config.Subjects = arena.stringArray(configuration.subjects)
        config.SubjectsLen = Int32(configuration.subjects.count)
        switch configuration.retention {
        case .limits: config.Retention = js_LimitsPolicy
        case .workQueue: config.Retention = js_WorkQueuePolicy
        case .interest: config.Retention = js_InterestPolicy
        }
        config.Storage = configuration.storage == .file ? js_FileStorage : js_MemoryStorage
        config.Discard = configuration.discard == .old ? js_DiscardOld : js_DiscardNew
        config.MaxAge = configuration.maxAge?.nanoseconds ?? 0
        config.MaxMsgs = configuration.maxMessages ?? -1
        config.MaxBytes = configuration.maxBytes ?? -1
        config.MaxMsgsPerSubject = configuration.maxMessagesPerSubject ?? -1
        config.Duplicates = configuration.duplicateWindow.nanoseconds
        config.Replicas = Int64(configuration.replicas)
        return config
    }

    static func cStruct(_ configuration: ConsumerConfiguration, arena: CStringArena) -> jsConsumerConfig {
        var config = jsConsumerConfig()
        jsConsumerConfig_Init(&config)
        config.Durable = arena.string(configuration.durableName)
        config.Description = arena.optionalString(configuration.description)
        config.FilterSubject = arena.string(configuration.filterSubject)
        switch configuration.deliverPolicy {
        case .all: config.DeliverPolicy = js_DeliverAll
        case .new: config.DeliverPolicy = js_DeliverNew
        case .last: config.DeliverPolicy = js_DeliverLast
        }
        config.AckPolicy = js_AckExplicit
        config.AckWait = configuration.ackWait.nanoseconds
        config.MaxDeliver = configuration.maxDeliver.map { Int64($0) } ?? -1
        if !configuration.backOff.isEmpty {
            config.BackOff = arena.int64Array(configuration.backOff.map(\.nanoseconds))
            config.BackOffLen = Int32(configuration.backOff.count)
        }
        config.MaxAckPending = Int64(configuration.maxAckPending)
        return config
    }

    static func info(_ info: UnsafeMutablePointer<jsStreamInfo>) -> StreamInfo {
        let state = info.pointee.State
        let name = info.pointee.Config.flatMap { $0.pointee.Name.map { String(cString: $0) } } ?? ""
        var result = StreamInfo(name: name, messages: state.Msgs, bytes: state.Bytes, firstSequence: state.FirstSeq,
                                lastSequence: state.LastSeq, consumers: Int(state.Consumers))
        result.replicas = Int(info.pointee.Config?.pointee.Replicas ?? 1)
        result.allowsDirectGet = info.pointee.Config?.pointee.AllowDirect ?? false
        if let cluster = info.pointee.Cluster?.pointee, let leader = cluster.Leader.map({ String(cString: $0) }) {
            var current = [leader]
            for index in 0..<Int(cluster.ReplicasLen) {
                guard let peer = cluster.Replicas?[index]?.pointee, peer.Current, !peer.Offline,
                      let name = peer.Name.map({ String(cString: $0) }) else { continue }
                current.append(name)
            }
            result.cluster = StreamInfo.ClusterReplicas(leader: leader, current: current)
        }
        return result
    }
}
