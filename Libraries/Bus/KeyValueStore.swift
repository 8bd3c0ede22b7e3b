import CNATS
import NIOPosix

/// A JetStream KeyValue bucket: get, put, create-if-absent, compare-and-set, delete, watch.
///
/// Every call is a round trip in nats.c and runs on the connection's blocking threads.
public final class KeyValueStore: Sendable {
    public let bucket: String
    let handle: KeyValueHandle
    let connection: BusConnection

    init(bucket: String, handle: KeyValueHandle, connection: BusConnection) {
        self.bucket = bucket
        self.handle = handle
        self.connection = connection
    }

    /// The current value, or nil when the key has none (never set, deleted or purged).
    public func get(_ key: String) async throws -> KeyValueEntry? {
        let kv = handle.pointer
        let bucket = bucket
        return try await connection.blocking.runIfActive {
            var entry: OpaquePointer? = nil
            let status = kvStore_Get(&entry, kv.raw, key)
            if status == NATS_NOT_FOUND { return nil }
            try BusError.check(status, "get \(bucket)/\(key)")
            guard let entry else { return nil }
            defer { kvEntry_Destroy(entry) }
            return KeyValueStore.copy(entry)
        }
    }

    /// Sets the value whatever the current revision; returns the new revision.
    @discardableResult
    public func put(_ key: String, value: [UInt8]) async throws -> UInt64 {
        let kv = handle.pointer
        let bucket = bucket
        return try await connection.blocking.runIfActive {
            var revision: UInt64 = 0
            let status = value.withUnsafeBytes { kvStore_Put(&revision, kv.raw, key, $0.baseAddress, Int32($0.count)) }
            try BusError.check(status, "put \(bucket)/\(key)")
            return revision
        }
    }

    /// Sets the value only if the key has none; throws `.keyExists` otherwise.
    @discardableResult
    public func create(_ key: String, value: [UInt8]) async throws -> UInt64 {
        let kv = handle.pointer
        let bucket = bucket
        return try await connection.blocking.runIfActive {
            var revision: UInt64 = 0
            let status = value.withUnsafeBytes { kvStore_Create(&revision, kv.raw, key, $0.baseAddress, Int32($0.count)) }
            if status != NATS_OK, KeyValueStore.isWrongLastSequence(status) { throw BusError.keyExists(key: key) }
            try BusError.check(status, "create \(bucket)/\(key)")
            return revision
        }
    }

    /// Sets the value only if the key is still at `expectedRevision` (compare-and-set); throws
    /// `.wrongLastRevision` when another writer got there first. Of two racing writers with the same
    /// expected revision exactly one wins.
    @discardableResult
    public func update(_ key: String, value: [UInt8], expectedRevision: UInt64) async throws -> UInt64 {
        let kv = handle.pointer
        let bucket = bucket
        return try await connection.blocking.runIfActive {
            var revision: UInt64 = 0
            let status = value.withUnsafeBytes {
                kvStore_Update(&revision, kv.raw, key, $0.baseAddress, Int32($0.count), expectedRevision)
            }
            if status != NATS_OK, KeyValueStore.isWrongLastSequence(status) {
                throw BusError.wrongLastRevision(key: key, expected: expectedRevision)
            }
            try BusError.check(status, "update \(bucket)/\(key)")
            return revision
        }
    }

    /// Deletes the value (a delete marker keeps the key's history until purged).
    public func delete(_ key: String) async throws {
        let kv = handle.pointer
        let bucket = bucket
        try await connection.blocking.runIfActive {
            try BusError.check(kvStore_Delete(kv.raw, key), "delete \(bucket)/\(key)")
        }
    }

    /// Removes the key and all its history.
    public func purge(_ key: String) async throws {
        let kv = handle.pointer
        let bucket = bucket
        try await connection.blocking.runIfActive {
            try BusError.check(kvStore_Purge(kv.raw, key, nil), "purge \(bucket)/\(key)")
        }
    }

    /// Every key that currently has a value.
    public func keys() async throws -> [String] {
        let kv = handle.pointer
        let bucket = bucket
        return try await connection.blocking.runIfActive {
            var list = kvKeysList()
            let status = kvStore_Keys(&list, kv.raw, nil)
            if status == NATS_NOT_FOUND { return [] }
            try BusError.check(status, "list keys of \(bucket)")
            defer { kvKeysList_Destroy(&list) }
            return (0..<Int(list.Count)).compactMap { index in list.Keys[index].map { String(cString: $0) } }
        }
    }

    static func copy(_ entry: OpaquePointer) -> KeyValueEntry {
        let length = Int(kvEntry_ValueLen(entry))
        let value: [UInt8]
        if length > 0, let bytes = kvEntry_Value(entry) {
            value = Array(UnsafeRawBufferPointer(start: bytes, count: length))
        } else {
            value = []
        }
        let operation: KeyValueEntry.Operation
        switch kvEntry_Operation(entry) {
        case kvOp_Delete: operation = .delete
        case kvOp_Purge: operation = .purge
        default: operation = .put
        }
        return KeyValueEntry(
            bucket: kvEntry_Bucket(entry).map { String(cString: $0) } ?? "",
            key: kvEntry_Key(entry).map { String(cString: $0) } ?? "",
            value: value,
            revision: kvEntry_Revision(entry),
            operation: operation,
            createdNanoseconds: kvEntry_Created(entry)
        )
    }

    /// nats.c reports a failed compare-and-set as an API error whose text names JetStream's
    /// "wrong last sequence" (error code 10071); its KeyValue calls do not return the code itself.
    static func isWrongLastSequence(_ status: natsStatus) -> Bool {
        var lastStatus = NATS_OK
        let text = nats_GetLastError(&lastStatus).map { String(cString: $0) } ?? ""
        return text.contains("wrong last sequence") || text.contains("10071")
    }
}

extension JetStream {
    /// Binds to the bucket, creating it with `configuration` when it does not exist. An existing
    /// bucket keeps its settings, but for `readsFromLeader`, which is applied to it too.
    public func keyValue(_ configuration: KeyValueConfiguration) async throws -> KeyValueStore {
        let store = try await bindOrCreateKeyValue(configuration)
        guard configuration.readsFromLeader, try await disableDirectGet(stream: configuration.streamName) else { return store }
        // nats.c decides between direct and leader gets when it binds: bind again.
        return try await bindKeyValue(bucket: configuration.bucket)
    }

    /// Makes every get of one message from the stream go to its leader (`allow_direct` off).
    /// Returns whether the stream allowed direct gets until now.
    @discardableResult
    public func disableDirectGet(stream: String) async throws -> Bool {
        let js = handle.pointer
        let timeout = apiTimeout
        return try await connection.blocking.runIfActive { () throws -> Bool in
            var jsOpts = JetStream.cOptions(timeout)
            var info: UnsafeMutablePointer<jsStreamInfo>? = nil
            var errorCode = jsErrCode(0)
            try JetStreamError.check(js_GetStreamInfo(&info, js.raw, stream, &jsOpts, &errorCode), errorCode, "stream info \(stream)")
            defer { jsStreamInfo_Destroy(info) }
            guard let config = info?.pointee.Config, config.pointee.AllowDirect else { return false }
            config.pointee.AllowDirect = false
            var updated: UnsafeMutablePointer<jsStreamInfo>? = nil
            let status = js_UpdateStream(&updated, js.raw, config, &jsOpts, &errorCode)
            jsStreamInfo_Destroy(updated)
            try JetStreamError.check(status, errorCode, "turn direct gets off on \(stream)")
            return true
        }
    }

    private func bindOrCreateKeyValue(_ configuration: KeyValueConfiguration) async throws -> KeyValueStore {
        let js = handle.pointer
        let jsHandle = handle
        let created = try await connection.blocking.runIfActive { () throws -> KeyValueHandle in
            var kv: OpaquePointer? = nil
            if js_KeyValue(&kv, js.raw, configuration.bucket) == NATS_OK, let kv {
                return KeyValueHandle(kv, jetStream: jsHandle)
            }
            let arena = CStringArena()
            var config = kvConfig()
            kvConfig_Init(&config)
            config.Bucket = arena.string(configuration.bucket)
            config.Description = arena.optionalString(configuration.description)
            config.History = UInt8(clamping: configuration.history)
            config.TTL = configuration.ttl?.nanoseconds ?? 0
            config.MaxValueSize = configuration.maxValueSize.map { Int32(clamping: $0) } ?? -1
            config.MaxBytes = configuration.maxBytes ?? -1
            config.StorageType = configuration.storage == .file ? js_FileStorage : js_MemoryStorage
            config.Replicas = Int32(configuration.replicas)
            let status = js_CreateKeyValue(&kv, js.raw, &config)
            withExtendedLifetime(arena) {}
            try BusError.check(status, "create KeyValue bucket \(configuration.bucket)")
            guard let kv else { throw BusError.invalidArgument("nats.c returned no KeyValue store") }
            return KeyValueHandle(kv, jetStream: jsHandle)
        }
        return KeyValueStore(bucket: configuration.bucket, handle: created, connection: connection)
    }

    /// Binds to an existing bucket; never creates one (a user without the right to create
    /// streams binds this way).
    public func bindKeyValue(bucket: String) async throws -> KeyValueStore {
        let js = handle.pointer
        let jsHandle = handle
        let bound = try await connection.blocking.runIfActive { () throws -> KeyValueHandle in
            var kv: OpaquePointer? = nil
            try BusError.check(js_KeyValue(&kv, js.raw, bucket), "bind to KeyValue bucket \(bucket)")
            guard let kv else { throw BusError.invalidArgument("nats.c returned no KeyValue store") }
            return KeyValueHandle(kv, jetStream: jsHandle)
        }
        return KeyValueStore(bucket: bucket, handle: bound, connection: connection)
    }

    /// Deletes the bucket and everything in it.
    public func deleteKeyValue(bucket: String) async throws {
        let js = handle.pointer
        try await connection.blocking.runIfActive {
            try BusError.check(js_DeleteKeyValue(js.raw, bucket), "delete KeyValue bucket \(bucket)")
        }
    }
}
