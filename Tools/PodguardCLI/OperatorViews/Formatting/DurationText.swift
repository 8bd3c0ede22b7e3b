import SwiftProtobuf
public import Foundation

/// Durations as an operator reads them: "0.4 s", "41 s", "1 min 12 s", "2 h 5 min", "3 d 4 h".
/// Two units at most: a failover is read in seconds, a pause in hours.
public enum DurationText {
    public static func words(_ seconds: TimeInterval) -> String {
        let seconds = max(0, seconds)
        if seconds < 10, seconds != seconds.rounded() {
            return "\(String(format: "%.1f", seconds)) s"
        }
        let whole = Int(seconds.rounded())
        switch whole {
        case ..<60: return "\(whole) s"
        case ..<3600: return pair(whole / 60, "min", whole % 60, "s")
        case ..<86_400: return pair(whole / 3600, "h", (whole % 3600) / 60, "min")
        default: return pair(whole / 86_400, "d", (whole % 86_400) / 3600, "h")
        }
    }

    public static func words(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        return words(Double(whole) + Double(fraction) / 1e18)
    }

    /// The time from `start` to `end`, never negative (moments come from different clocks).
    public static func between(_ start: Date, _ end: Date) -> String {
        words(end.timeIntervalSince(start))
    }

    private static func pair(_ major: Int, _ majorUnit: String, _ minor: Int, _ minorUnit: String) -> String {
        minor == 0 ? "\(major) \(majorUnit)" : "\(major) \(majorUnit) \(minor) \(minorUnit)"
    }
}
