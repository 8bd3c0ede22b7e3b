import SwiftProtobuf

/// Encodes arbitrary strings (Kubernetes names, reasons, ids) as one NATS subject token or KeyValue
/// key token, reversibly.
///
/// Kubernetes object names are DNS-1123 (`[a-z0-9.-]`), but `.` separates NATS subject tokens, so
/// `.` is encoded as `_` (reversible because `_` never appears in a Kubernetes name). Everything else
/// outside `[A-Za-z0-9-]` — whitespace, `*`, `>`, `_`, `=`, `/`, non-ASCII — is escaped as `=XX` per
/// UTF-8 byte (upper-case hex), so the result is always a valid subject token and a valid KeyValue
/// key token (`[-/_=.a-zA-Z0-9]`, no `.`). The empty string is encoded as a lone `=`.
///
/// Examples: `worker-1.example.com` → `worker-1_example_com`, `a_b` → `a=5Fb`, `a b` → `a=20b`.
public enum SubjectToken {
    /// The token that stands for the empty string.
    public static let emptyToken = "="

    /// Encodes `value` as a single subject/key token (never empty, never contains `.`, `*`, `>` or
    /// whitespace).
    public static func encode(_ value: String) -> String {
        if value.isEmpty { return emptyToken }
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "."):
                out.append("_")
            default:
                out.append("=")
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// Decodes a token made by `encode`; nil if `token` is not a well-formed encoding.
    public static func decode(_ token: String) -> String? {
        if token == emptyToken { return "" }
        if token.isEmpty { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.utf8.count)
        var iterator = token.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"):
                bytes.append(byte)
            case UInt8(ascii: "_"):
                bytes.append(UInt8(ascii: "."))
            case UInt8(ascii: "="):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue)
                else { return nil }
                bytes.append(high << 4 | low)
            default:
                return nil
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// True if `token` can be used as one NATS subject token: not empty, and free of `.`, `*`, `>`
    /// and whitespace/control characters. (`encode` always returns such a token.)
    public static func isValid(_ token: String) -> Bool {
        !token.isEmpty && token.unicodeScalars.allSatisfy { scalar in
            !(scalar == "." || scalar == "*" || scalar == ">" || scalar.properties.isWhitespace
                || scalar.value < 0x20 || scalar.value == 0x7F)
        }
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
