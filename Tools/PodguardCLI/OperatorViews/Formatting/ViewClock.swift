import SwiftProtobuf
public import Foundation

/// The moment a view is made and the time zone it speaks in: every view takes one, so a view is a
/// pure function of its records (tests pass a fixed `now` and UTC).
public struct ViewClock: Sendable {
    public var now: Date
    public var timeZone: TimeZone

    public init(now: Date, timeZone: TimeZone = .current) {
        self.now = now
        self.timeZone = timeZone
    }

    /// "10:04:12" for a moment within the last day, "2024-05-01 10:04:12" before that: a timeline
    /// of today reads short, an old one says which day.
    public func time(_ date: Date) -> String {
        let sameDay = abs(now.timeIntervalSince(date)) < 86_400
        return format(date, sameDay ? "HH:mm:ss" : "yyyy-MM-dd HH:mm:ss")
    }

    /// "2024-05-01 10:04:12 UTC": an absolute moment (a pause's expiry).
    public func moment(_ date: Date) -> String {
        format(date, "yyyy-MM-dd HH:mm:ss zzz")
    }

    /// "41 s ago", "in 1 h 5 min".
    public func relative(_ date: Date) -> String {
        let delta = date.timeIntervalSince(now)
        return delta <= 0 ? "\(DurationText.words(-delta)) ago" : "in \(DurationText.words(delta))"
    }

    private func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
