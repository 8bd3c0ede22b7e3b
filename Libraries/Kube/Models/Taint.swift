import Foundation

/// A node taint. Two taints are "the same taint" when key and effect match (the apiserver
/// rejects duplicates of key+effect), which is what the taint helpers compare.
public struct Taint: Codable, Sendable, Hashable {
    public var key: String
    public var value: String?
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    public var effect: String
    public var timeAdded: Date?

    public init(key: String, value: String? = nil, effect: String, timeAdded: Date? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }

    public func matches(_ other: Taint) -> Bool {
        key == other.key && effect == other.effect
    }
}
