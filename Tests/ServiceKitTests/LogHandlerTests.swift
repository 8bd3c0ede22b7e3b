import Foundation
import Testing

@testable import ServiceKit

@Suite struct LogHandlerTests {
    private func decode(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func jsonLineParsesBackWithFieldsAndMetadata() throws {
        let collector = LineCollector()
        var logger = Logger(label: "tap.consumer") {
            JSONLogHandler(label: $0, service: "tap", level: .debug, output: collector.sink)
        }
        logger[metadataKey: "subject"] = "podguard.alert.v1"
        logger.info(
            "received",
            metadata: ["count": "\(3)", "nested": ["a": "1", "b": ["x", "y"]], "msg": "clash"],
            source: "Tap")

        let line = try #require(collector.lines.first)
        #expect(collector.lines.count == 1)
        #expect(!line.contains("\n"))
        let object = try decode(line)
        #expect(object["level"] as? String == "info")
        #expect(object["service"] as? String == "tap")
        #expect(object["label"] as? String == "tap.consumer")
        #expect(object["msg"] as? String == "received")
        #expect(object["subject"] as? String == "podguard.alert.v1")
        #expect(object["count"] as? String == "3")
        #expect(object["nested.a"] as? String == "1")
        #expect(object["nested.b"] as? String == "[x, y]")
        #expect(object["meta.msg"] as? String == "clash")
        #expect(object["source"] as? String == "Tap")
        let timestamp = try #require(object["ts"] as? String)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
        #expect(line.hasPrefix("{\"ts\":"))
    }

    @Test(arguments: [
        "say \"hi\"",
        "line one\nline two\r\n\ttabbed",
        "back\\slash and /slash",
        "ünïcödé 🚀 日本語",
        "control \u{01}\u{1F}\u{7F} bell \u{07}",
        "separators \u{2028}\u{2029}",
        "",
    ])
    func jsonEscapingRoundTrips(text: String) throws {
        let collector = LineCollector()
        let logger = Logger(label: "l") { JSONLogHandler(label: $0, service: "s", output: collector.sink) }
        logger.warning("\(text)", metadata: ["value": "\(text)", "key \"quoted\"\n": "x"])
        let line = try #require(collector.lines.first)
        #expect(!line.contains("\n"))
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 })
        let object = try decode(line)
        #expect(object["msg"] as? String == text)
        #expect(object["value"] as? String == text)
        #expect(object["key \"quoted\"\n"] as? String == "x")
    }

    @Test func jsonEscaperWritesExpectedSequences() {
        var out = ""
        JSONLogHandler.appendQuoted("a\"b\\c\nd\u{01}é", to: &out)
        #expect(out == #""a\"b\\c\nd\u0001é""#)
    }

    @Test func levelFilteringIsHonoured() {
        let collector = LineCollector()
        let logger = Logger(label: "l") { JSONLogHandler(label: $0, service: "s", level: .warning, output: collector.sink) }
        logger.info("dropped")
        logger.error("kept")
        #expect(collector.lines.count == 1)
        #expect(collector.lines.first?.contains("\"kept\"") == true)
    }

    @Test func textLineIsReadableAndSingleLine() throws {
        let collector = LineCollector()
        var logger = Logger(label: "tap") { TextLogHandler(label: $0, service: "tap", output: collector.sink) }
        logger[metadataKey: "servers"] = "nats://127.0.0.1:4222"
        logger.info("connected\nagain", metadata: ["note": "two words"])
        let line = try #require(collector.lines.first)
        let pattern = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info tap: connected\\nagain note="two words" servers=nats:\/\/127\.0\.0\.1:4222/
        #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
    }

    @Test func textLineShowsALabelThatDiffersFromTheService() throws {
        let collector = LineCollector()
        let logger = Logger(label: "bus") { TextLogHandler(label: $0, service: "tap", output: collector.sink) }
        logger.error("lost connection")
        let line = try #require(collector.lines.first)
        #expect(line.hasSuffix(" error tap[bus]: lost connection"))
    }

    @Test func timestampFormatting() {
        #expect(LogOutput.timestamp(seconds: 0, milliseconds: 7) == "1970-01-01T00:00:00.007Z")
        #expect(LogOutput.timestamp(seconds: 1_795_428_000, milliseconds: 123) == "2026-11-23T10:00:00.123Z")
    }

    @Test func handlerFactoryHonoursFormat() throws {
        let collector = LineCollector()
        let json = Logger(label: "x") {
            LoggingBootstrap.makeHandler(label: $0, service: "svc", format: .json, level: .info, output: collector.sink)
        }
        let text = Logger(label: "x") {
            LoggingBootstrap.makeHandler(label: $0, service: "svc", format: .text, level: .info, output: collector.sink)
        }
        json.info("a")
        text.info("b")
        #expect(collector.lines.count == 2)
        #expect(collector.lines.first?.hasPrefix("{") == true)
        #expect(collector.lines.last?.hasSuffix("info svc[x]: b") == true)
    }
}
