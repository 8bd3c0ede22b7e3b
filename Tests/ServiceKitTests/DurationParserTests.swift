import Testing

@testable import ServiceKit

@Suite struct DurationParserTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)),
        ("2s", .seconds(2)),
        ("1.5s", .milliseconds(1500)),
        ("5m", .seconds(300)),
        ("1h", .seconds(3600)),
        ("100us", .microseconds(100)),
        ("100µs", .microseconds(100)),
        ("10ns", .nanoseconds(10)),
        ("30", .seconds(30)),
        ("0.25", .milliseconds(250)),
        ("0", .zero),
        ("1m30s", .seconds(90)),
        (" 2s ", .seconds(2)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationParser.parse(text) == expected)
    }

    @Test(arguments: ["", "abc", "5 parsecs", "-1s", "-3", "1.2.3s", "s", "10x", "ms5", "inf", "nan"])
    func rejects(text: String) {
        #expect(DurationParser.parse(text) == nil)
    }

    @Test(arguments: [
        (Duration.seconds(30), "30s"), (.milliseconds(250), "250ms"), (.milliseconds(1500), "1.5s"),
        (.seconds(300), "5m"), (.seconds(3600), "1h"), (.microseconds(100), "100us"), (.zero, "0s"),
        (.nanoseconds(7), "7ns"), (.seconds(90), "90s"), (.nanoseconds(2_000_000_001), "2.000000001s"),
    ])
    func formats(duration: Duration, expected: String) {
        #expect(DurationParser.format(duration) == expected)
        #expect(DurationParser.parse(expected) == duration)
    }
}
