import Foundation
import Synchronization

/// Looks for known secret values in text and bytes: each secret as it is, base64-encoded (how a
/// Kubernetes Secret or a dumped object would carry it) and, for a JWT, its signature alone.
/// Every finding names the secret by its label, never by its value.
final class SecretScanner: Sendable {
    struct Finding: Sendable, CustomStringConvertible {
        var secret: String
        var channel: String
        var place: String
        var description: String { "\(secret) in \(channel): \(place)" }
    }

    private let needles: [(label: String, bytes: [UInt8])]
    private let state = Mutex<(findings: [Finding], scanned: [String: Int])>(([], [:]))

    /// `secrets`: label → value. Values shorter than 8 characters are refused: they would match by chance.
    init(secrets: [String: String]) {
        var needles: [(String, [UInt8])] = []
        for (label, value) in secrets.sorted(by: { $0.key < $1.key }) {
            precondition(value.count >= 8, "secret \(label) is too short to look for")
            needles.append((label, Array(value.utf8)))
            needles.append(("\(label) (base64)", Array(Data(value.utf8).base64EncodedString().utf8)))
            let parts = value.split(separator: ".")
            if parts.count == 3, parts[2].count >= 16 { needles.append(("\(label) (JWT signature)", Array(parts[2].utf8))) }
        }
        self.needles = needles
    }

    /// Scans one item of `channel` (a log line, a message), `place` saying which.
    func scan(_ bytes: [UInt8], channel: String, place: @autoclosure () -> String) {
        var found: [Finding] = []
        for needle in needles where Self.contains(bytes, needle.bytes) {
            found.append(Finding(secret: needle.label, channel: channel, place: place()))
        }
        state.withLock { state in
            state.scanned[channel, default: 0] += 1
            state.findings += found
        }
    }

    func scan(_ text: String, channel: String, place: @autoclosure () -> String) {
        scan(Array(text.utf8), channel: channel, place: place())
    }

    var findings: [Finding] { state.withLock { $0.findings } }
    /// Items scanned per channel.
    var scanned: [String: Int] { state.withLock { $0.scanned } }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
