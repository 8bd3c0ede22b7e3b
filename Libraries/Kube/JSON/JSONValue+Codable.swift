import Foundation

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Integers stay integers on the wire: resourceVersions, counts and ports are int64.
            if value == value.rounded(), abs(value) < 9.0e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// Decodes JSON bytes.
    public init(data: Data) throws {
        self = try data.withUnsafeBytes { raw throws(JSONParseError) in
            try JSONParser.parse(raw.bindMemory(to: UInt8.self))
        }
    }

    /// Decodes JSON bytes.
    public init(bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in try JSONParser.parse(buffer) }
    }

    /// Compact JSON bytes, keys sorted (stable output for logs and tests).
    public func encoded() throws -> Data {
        Data(encodedBytes())
    }

    /// Compact JSON bytes, keys sorted.
    public func encodedBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        write(into: &output)
        return output
    }

    /// The value of any `Encodable` as JSON (through the same date format as the wire).
    public init(encoding value: some Encodable) throws {
        self = try JSONValue(data: KubeCodec.encoder().encode(value))
    }

    /// Decodes a typed value out of this JSON.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try KubeCodec.decoder().decode(T.self, from: encoded())
    }
}
