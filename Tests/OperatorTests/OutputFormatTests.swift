import OperatorViews
import Testing

@Suite("Output formats")
struct OutputFormatTests {
    @Test func names() {
        #expect(OutputFormat.allCases.map(\.rawValue) == ["table", "json", "yaml"])
    }
}
