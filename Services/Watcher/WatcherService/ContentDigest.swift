import SwiftProtobuf

/// A 128-bit fingerprint of a snapshot's content, standing in for a full copy of every snapshot
/// the ledger believes a bucket holds (at 30,000 pods the copies were a large share of the
/// watcher's memory).
///
/// Two SipHash-1-3 values (the standard library's `Hasher`, randomly keyed per process) over the
/// deterministic binary encoding: a collision between two different contents is as likely as
/// guessing a 128-bit key, and the ledger lives only as long as the process, so the per-process
/// seed is exactly what it needs.
public struct ContentDigest: Hashable, Sendable {
    private let first: Int
    private let second: Int

    public init(_ message: some SwiftProtobuf.Message) {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let bytes: [UInt8] = (try? message.serializedBytes(options: options)) ?? []
        var a = Hasher()
        a.combine(0x5067_6431 as UInt32)
        var b = Hasher()
        b.combine(0x5067_6432 as UInt32)
        bytes.withUnsafeBytes { raw in
            a.combine(bytes: raw)
            b.combine(bytes: raw)
        }
        first = a.finalize()
        second = b.finalize()
    }
}
