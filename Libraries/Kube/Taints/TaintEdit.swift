import Foundation

/// Pure edits of a node's taint list. Taints are identified by key and effect (the apiserver
/// allows one taint per key+effect); edits are idempotent and touch no other taint, so applying
/// them to a freshly read list on every retry never loses another writer's taint.
public enum TaintEdit {
    /// `taints` with `taint` prepended (as podmon does), or `nil` when a taint with the same key
    /// and effect is already there (nothing to write).
    public static func adding(_ taint: Taint, to taints: [Taint], now: Date = Date()) -> [Taint]? {
        guard !taints.contains(where: { $0.matches(taint) }) else { return nil }
        var added = taint
        if added.timeAdded == nil { added.timeAdded = now }
        return [added] + taints
    }

    /// `taints` without the taint of this key and effect, or `nil` when it is not there.
    public static func removing(key: String, effect: String, from taints: [Taint]) -> [Taint]? {
        let remaining = taints.filter { !($0.key == key && $0.effect == effect) }
        return remaining.count == taints.count ? nil : remaining
    }
}
