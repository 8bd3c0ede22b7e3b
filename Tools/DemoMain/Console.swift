import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The demo's output: one line at a time, flushed at once (a pipe sees progress as it happens),
/// colored only when stdout is a terminal (or `--color always`).
struct Console: Sendable {
    let colored: Bool

    init(color: String) {
        switch color {
        case "always": colored = true
        case "never": colored = false
        default: colored = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        }
    }

    enum Style: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36"
    }

    func paint(_ text: String, _ style: Style) -> String {
        colored ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Written at once (unbuffered), so a pipe sees each line as it happens.
    func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// `[step] text`, the step tag colored.
    func step(_ tag: String, _ text: String, _ style: Style = .cyan) {
        line(paint("[\(tag)]", style) + " " + text)
    }

    func error(_ text: String) {
        FileHandle.standardError.write(Data((paint("[demo] ", .red) + text + "\n").utf8))
    }
}

enum Seconds {
    static func of(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func text(_ value: Double?, decimals: Int = 2) -> String {
        guard let value else { return "–" }
        return String(format: "%.\(decimals)f s", value)
    }
}
