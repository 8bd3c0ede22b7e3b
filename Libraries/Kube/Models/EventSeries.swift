import Foundation

/// How often an Event repeated (`count` ≥ 2) and when last.
public struct EventSeries: Codable, Sendable, Hashable {
    public var count: Int32
    public var lastObservedTime: Date

    public init(count: Int32, lastObservedTime: Date) {
        self.count = count
        self.lastObservedTime = lastObservedTime
    }
}
