import Foundation

/// The JSON encoder and decoder settings of the Kubernetes wire format.
///
/// Times are RFC 3339. The apiserver has two kinds: `Time` (seconds) and `MicroTime`
/// (microseconds, e.g. `Lease.spec.renewTime`, `Event.eventTime`). Go parses a `Time` with a
/// fraction just fine, but refuses a `MicroTime` without one, so every date is written with six
/// fractional digits; both forms (and offsets) are read.
public enum KubeCodec {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(KubeTime.format(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = KubeTime.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return decoder
    }
}
