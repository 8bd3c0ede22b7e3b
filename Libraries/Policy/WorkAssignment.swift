/// Which array-prober replica probes which (family, node) pair: rendezvous (highest random weight)
/// hashing over the live replicas.
///
/// Every replica computes the same owner from the same membership (the live leases in the prober
/// bucket), so no pair is probed twice per cycle and none is missed; when a replica's lease
/// expires only its own pairs move, spread evenly over the survivors.
public enum WorkAssignment {
    /// The owner of `key` among `replicas`, or nil when there are none.
    public static func owner(of key: String, among replicas: [String]) -> String? {
        replicas.max { lhs, rhs in
            let (left, right) = (weight(key, lhs), weight(key, rhs))
            return left == right ? lhs < rhs : left < right
        }
    }

    /// The keys `replica` owns.
    public static func keys(ownedBy replica: String, of keys: [String], among replicas: [String]) -> [String] {
        keys.filter { owner(of: $0, among: replicas) == replica }
    }

    /// FNV-1a over key and replica, then a 64-bit finaliser: stable across processes and platforms
    /// (Swift's `Hasher` is seeded per process and would make replicas disagree).
    static func weight(_ key: String, _ replica: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3
        for byte in replica.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }
}
