import Foundation
import Kube
import Testing

@Suite("JSON reader and writer (pure)")
struct JSONParserTests {
    /// The reader against the `Decodable` path it replaces: every value type, nesting, escapes, numbers.
    @Test(arguments: [
        #"null"#, #"true"#, #"false"#, #"0"#, #"-0"#, #"42"#, #"-17"#, #"3.25"#, #"-1.5e3"#, #"2E-2"#,
        #"9007199254740993"#, #"123456789012345678901234567890"#, #""""#, #""plain""#,
        #""esc \" \\ \/ \b \f \n \r \t""#, #""\u00e9\u4e2d\ud83d\ude00""#, #""é中😀""#,
        #"[]"#, #"{}"#, #"[1,[2,[3,{}]],"x",null]"#,
        #" { "a" : 1 , "b":[true,false] ,"c":{"d":"e"} } "#,
        #"{"metadata":{"name":"p","labels":{"app":"db"},"resourceVersion":"123"},"spec":{"nodeName":"n1"}}"#,
    ])
    func readsWhatJSONDecoderReads(_ text: String) throws {
        let ours = try JSONValue(data: Data(text.utf8))
        let reference = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == reference, "\(text)")
    }

    @Test(arguments: [
        ("", 0), ("nul", 0), ("[1,]", 3), ("{\"a\":1,}", 7), ("{\"a\" 1}", 5), ("[1 2]", 3), ("\"abc", 4),
        ("\"a\u{01}b\"", 2), ("01", 1), ("-", 1), ("1.", 2), ("1e", 2), ("\"\\x\"", 3), ("\"\\u12\"", 3),
        ("\"\\ud800\"", 7), ("\"\\udc00\"", 7), ("{1:2}", 1), ("[1] x", 4), ("tru", 0),
    ])
    func refusesInvalidInputWithTheOffset(_ text: String, offset: Int) {
        #expect {
            _ = try JSONValue(data: Data(text.utf8))
        } throws: { error in
            (error as? JSONParseError)?.offset == offset
        }
    }

    /// Found by `make fuzz` (target kube-json, Tools/PodguardFuzz/Corpus/kube-json/crash-number-beyond-double.json):
    /// a number beyond Double's range was read as infinity, which the writer sends as `null`, so a
    /// read-modify-write changed the field. Refused, as JSONDecoder refuses it.
    @Test(arguments: ["1e388", "-1e400", #"{"spec":{"minReadySeconds":1e388}}"#, "[1,2e999]"])
    func refusesANumberBeyondDouble(_ text: String) {
        #expect {
            _ = try JSONValue(data: Data(text.utf8))
        } throws: { error in
            (error as? JSONParseError)?.reason == "a number out of range"
        }
        #expect(throws: (any Error).self) { _ = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
    }

    /// Found by `make fuzz` (target kube-json, Tools/PodguardFuzz/Corpus/kube-json/crash-intvalue-beyond-int.json):
    /// a whole number beyond `Int`'s range trapped in `intValue`; an int64 field at its maximum
    /// (a StatefulCluster's `spec.replicas`, which the apiserver accepts) is 2^63 once a Double.
    @Test func intValueOfANumberBeyondIntIsNil() throws {
        #expect(try JSONValue(data: Data("9223372036854775807".utf8)).intValue == nil)
        #expect(try JSONValue(data: Data("1e308".utf8)).intValue == nil)
        #expect(try JSONValue(data: Data("-1e19".utf8)).intValue == nil)
        #expect(try JSONValue(data: Data("-9223372036854775808".utf8)).intValue == Int.min)
        #expect(try JSONValue(data: Data("42".utf8)).intValue == 42)
        #expect(try JSONValue(data: Data("4.5".utf8)).intValue == nil)
        let spec = try JSONValue(data: Data(#"{"replicas":9223372036854775807}"#.utf8))
        #expect(spec["replicas"]?.intValue == nil)
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONParseError.self) { _ = try JSONValue(data: Data([0x22, 0xFF, 0xFE, 0x22])) }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { _ = try JSONValue(data: Data(deep.utf8)) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: Never.self) { _ = try JSONValue(data: Data(fine.utf8)) }
    }

    /// The writer gives exactly the bytes of the `JSONEncoder` settings it replaces, and reading
    /// its output gives the value back.
    @Test func writesWhatTheWireEncoderWrote() throws {
        let value: JSONValue = .object([
            "b": .array([.number(1), .number(-2), .number(2.5), .null, .bool(true)]),
            "a": .string("quote \" slash / backslash \\ newline \n tab \t bell \u{07} é 😀"),
            "nested": .object(["z": .number(1_700_000_000), "y": .object([:]), "x": .array([])]),
            "big": .number(12345678901234), "neg": .number(-0.125),
        ])
        let ours = String(decoding: try value.encoded(), as: UTF8.self)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let reference = String(decoding: try encoder.encode(value), as: UTF8.self)
        #expect(ours == reference)
        #expect(try JSONValue(data: value.encoded()) == value)
    }

    @Test func objectsWithoutRawJSONWriteTheirTypedFieldsOnly() throws {
        let raw = try JSONValue(data: Data(#"{"metadata":{"name":"n","uid":"u1"},"spec":{"future":1}}"#.utf8))
        let slim = try SlimNode.fromWire(raw)
        #expect(slim.preserved == nil && slim.metadata.uid == "u1")
        #expect(try slim.wireJSON()["spec"] == nil)
        let full = try Node.fromWire(raw)
        #expect(full.preserved?.raw == raw)
        #expect(try full.wireJSON()["spec"]?["future"] == .number(1))
    }

    private struct SlimNode: KubeResource {
        static let resource = Node.resource
        static var keepsRawJSON: Bool { false }
        var metadata = ObjectMeta()
        var preserved: PreservedJSON?
        enum CodingKeys: String, CodingKey { case metadata }
    }
}
