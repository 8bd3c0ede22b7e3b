/// NATS message headers: an ordered multimap of names to values, as NATS carries them.
public struct BusHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    /// The first value of `name` (names compare exactly, as NATS does).
    public subscript(name: String) -> String? {
        get { fields.first { $0.name == name }?.value }
        set {
            fields.removeAll { $0.name == name }
            if let newValue { fields.append((name, newValue)) }
        }
    }

    public func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name, value))
    }

    public var isEmpty: Bool { fields.isEmpty }

    public static func == (lhs: BusHeaders, rhs: BusHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}

extension BusHeaders {
    /// JetStream de-duplicates messages that carry the same id within the stream's window.
    public static let messageID = "Nats-Msg-Id"
    /// The subject of the message a bus message is about; podguard sets it on replies and alerts.
    public static let contentType = "Content-Type"
}
