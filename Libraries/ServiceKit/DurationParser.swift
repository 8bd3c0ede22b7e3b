/// Parses and prints the human durations used in configuration: `250ms`, `2s`, `1.5s`, `5m`, `1h`,
/// `100us` (also `µs`, `ns`) and Go-style sums such as `1m30s`. A plain number means seconds,
/// because that is what an operator writing `gracePeriod: 30` means.
public enum DurationParser {
    private static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// The duration `text` denotes, or `nil` if it is not a non-negative duration.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        if let seconds = Double(trimmed) {
            guard seconds.isFinite, seconds >= 0, seconds < 9e9 else { return nil }
            return nanosecondsDuration(seconds * 1e9)
        }
        var rest = Substring(trimmed)
        var total: Int64 = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            let nanoseconds = (value * Double(unit.nanoseconds)).rounded()
            guard nanoseconds < 9e18 else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(Int64(nanoseconds))
            guard !overflow else { return nil }
            total = sum
        }
        return .nanoseconds(total)
    }

    /// An exact spelling in the largest whole unit: `30s`, `250ms`, `5m`, `1h`, `100us`, `0s`; at a
    /// second or more with a fraction, decimal seconds (`1.5s`).
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        if nanoseconds == 0 { return "0s" }
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        let wholeUnits: [(String, UInt64)] = [("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000)]
        for (suffix, size) in wholeUnits where magnitude % size == 0 {
            return "\(sign)\(magnitude / size)\(suffix)"
        }
        if magnitude >= 1_000_000_000 {
            var fraction = String(magnitude % 1_000_000_000)
            fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return "\(sign)\(magnitude / 1_000_000_000).\(fraction)s"
        }
        for (suffix, size) in [("ms", UInt64(1_000_000)), ("us", 1_000)] where magnitude % size == 0 {
            return "\(sign)\(magnitude / size)\(suffix)"
        }
        return "\(sign)\(magnitude)ns"
    }

    private static func nanosecondsDuration(_ nanoseconds: Double) -> Duration {
        .nanoseconds(Int64(nanoseconds.rounded()))
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
