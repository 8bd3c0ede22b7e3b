/// Decides, for each recording, whether to create an Event or bump the count of an earlier one
/// (pure: time is passed in). Handles recordings that overlap the creation of their first Event:
/// they are counted, and the count is written once the Event exists.
public struct EventAggregator: Sendable {
    public enum Decision: Sendable, Hashable {
        /// Create a new Event (count 1).
        case create
        /// Set the series count of the existing Event `name` to `count`.
        case increment(name: String, count: Int32)
        /// The first Event is being created; the count was noted (see ``created(_:name:now:)``).
        case coalesced
    }

    private struct Entry {
        var name: String?
        var count: Int32
        var lastSeen: Duration
    }

    public let window: Duration
    public let maximumEntries: Int
    private var entries: [EventAggregationKey: Entry] = [:]

    public init(window: Duration = .seconds(600), maximumEntries: Int = 4096) {
        self.window = window
        self.maximumEntries = maximumEntries
    }

    /// A recording of `key` at `now` (any monotonic time base).
    public mutating func observe(_ key: EventAggregationKey, now: Duration) -> Decision {
        prune(now: now)
        guard var entry = entries[key], now - entry.lastSeen <= window else {
            entries[key] = Entry(name: nil, count: 1, lastSeen: now)
            return .create
        }
        entry.count += 1
        entry.lastSeen = now
        entries[key] = entry
        guard let name = entry.name else { return .coalesced }
        return .increment(name: name, count: entry.count)
    }

    /// The Event for `key` was created as `name`. Returns the count to write now when recordings
    /// arrived meanwhile (`nil`: nothing to do).
    public mutating func created(_ key: EventAggregationKey, name: String) -> Int32? {
        guard var entry = entries[key] else { return nil }
        entry.name = name
        entries[key] = entry
        return entry.count > 1 ? entry.count : nil
    }

    /// Creating or updating the Event failed (or it vanished): the next recording starts over.
    public mutating func forget(_ key: EventAggregationKey) {
        entries[key] = nil
    }

    private mutating func prune(now: Duration) {
        guard entries.count >= maximumEntries else { return }
        entries = entries.filter { now - $0.value.lastSeen <= window }
        if entries.count >= maximumEntries {
            // Still full of recent keys: drop the oldest half rather than grow without bound.
            let sorted = entries.sorted { $0.value.lastSeen < $1.value.lastSeen }
            for (key, _) in sorted.prefix(entries.count / 2) { entries[key] = nil }
        }
    }
}
