import SwiftProtobuf
import Harness
import BusService
import Bus
import Contracts
import Foundation
import OperatorViews
import Testing

@Suite("Output formats: the same fields as table, JSON and YAML")
struct OutputFormatTests {
    @Test func names() {
        #expect(OutputFormat.allCases.map(\.rawValue) == ["table", "json", "yaml"])
    }

    @Test("JSON holds the status's fields, keys sorted, moments as RFC 3339")
    func json() throws {
        let report = StatusReport(StatusTests.snapshot(), clock: Records.clock(600))
        let text = try OutputFormat.json.render(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["generatedAt", "pause", "storm", "nodes", "remediationsInFlight", "nodeRemediations"])
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["name"] as? String } == ["worker-1", "worker-3"])
        #expect((object["pause"] as? [String: Any])?["expiresAt"] as? String == "2024-05-01T11:10:00.000Z")
        #expect(text.range(of: "\"generatedAt\"")!.lowerBound < text.range(of: "\"nodes\"")!.lowerBound)
    }

    @Test("YAML holds the same fields")
    func yaml() throws {
        let history = RemediationHistory([Records.completedFence()], clock: Records.clock())
        let text = try OutputFormat.yaml.render(history)
        #expect(text.hasPrefix("remediations:\n"))
        #expect(text.contains("detectionToReplacementRunning: 20"))
        #expect(text.contains("pod: db/postgres-0"))
        #expect(text.contains("requestedAt: '2024-05-01T10:04:12.000Z'") || text.contains("requestedAt: 2024-05-01T10:04:12.000Z"))
        #expect(!text.contains("requestedClock"))
    }

    @Test("a followed alert is one line of JSON, one YAML document, one table line")
    func streamed() throws {
        var alert = Records.alert("FenceAborted", severity: .critical, at: 500, summary: "pod db/postgres-0 not moved", id: "a-1")
        alert.pod = Records.pod()
        alert.nodeName = "worker-3"
        alert.labels = ["abort_reason": "FENCE_FAILED"]
        let view = AlertView(alert, clock: Records.clock(600))
        #expect(try OutputFormat.table.renderStreamed(view) == "10:08:20 CRITICAL FenceAborted db/postgres-0 on worker-3: pod db/postgres-0 not moved\n")
        let line = try OutputFormat.json.renderStreamed(view)
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["reason"] as? String == "FenceAborted")
        #expect((object["labels"] as? [String: String]) == ["abort_reason": "FENCE_FAILED"])
        #expect(object["clock"] == nil)
        #expect(try OutputFormat.yaml.renderStreamed(view).hasPrefix("---\n"))
    }

    @Test("alerts oldest first; a node alert names its node")
    func alertList() {
        var nodeAlert = Records.alert("NodeFenceApprovalRequired", severity: .critical, at: 450, summary: "approve worker-3")
        nodeAlert.nodeName = "worker-3"
        let list = AlertList([Records.alert("StormLimitReached", at: 500, summary: "held"), nodeAlert], clock: Records.clock(600))
        #expect(list.text == """
        10:07:30 CRITICAL NodeFenceApprovalRequired node worker-3: approve worker-3
        10:08:20 WARNING  StormLimitReached: held

        """)
        #expect(AlertList([], clock: Records.clock()).text == "no alert in the stream\n")
    }
}
