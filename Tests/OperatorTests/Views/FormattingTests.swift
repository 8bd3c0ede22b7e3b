import Contracts
import SwiftProtobuf
import Harness
import BusService
import Bus
import Foundation
import OperatorViews
import Testing

@Suite("Durations, times, tables and pod names as an operator reads them")
struct FormattingTests {
    @Test("durations read in at most two units", arguments: [
        (0.0, "0 s"), (0.4, "0.4 s"), (3.3, "3.3 s"), (41, "41 s"), (59.6, "1 min"), (72, "1 min 12 s"),
        (3600, "1 h"), (7500, "2 h 5 min"), (90_000, "1 d 1 h"), (-5, "0 s"),
    ])
    func durations(seconds: Double, words: String) {
        #expect(DurationText.words(seconds) == words)
    }

    @Test func durationValues() {
        #expect(DurationText.words(Duration.seconds(41)) == "41 s")
        #expect(DurationText.between(Records.at(0), Records.at(-3)) == "0 s")
    }

    @Test("times of the last day are short, older ones carry their date")
    func clockTimes() {
        let clock = Records.clock(600)
        #expect(clock.time(Records.at(252)) == "10:04:12")
        #expect(clock.time(Records.at(-2 * 86_400)) == "2024-04-29 10:00:00")
        #expect(clock.relative(Records.at(252)) == "5 min 48 s ago")
        #expect(clock.relative(Records.at(4200)) == "in 1 h")
        #expect(clock.moment(Records.at(0)).hasPrefix("2024-05-01 10:00:00"))
    }

    @Test("table columns align; an empty cell prints a dash")
    func table() {
        var table = TextTable(["node", "ready", "taints"])
        table.append(["worker-10", "True", ""])
        table.append(["w1", "Unknown", "a:NoSchedule"])
        #expect(table.text == """
        NODE       READY    TAINTS
        worker-10  True     -
        w1         Unknown  a:NoSchedule

        """)
    }

    @Test("<namespace>/<pod> is read, and every malformed form says what is wrong", arguments: [
        ("db", "expected <namespace>/<pod>"), ("db/a/b", "expected <namespace>/<pod>"), ("/pod", "the namespace is empty"),
        ("db/", "the pod name is empty"), ("DB/pod", "the namespace 'DB' holds 'D'"), ("db/pod_1", "the pod name 'pod_1' holds '_'"),
        ("db/-pod", "must start and end with a letter or digit"),
    ])
    func malformedPods(text: String, problem: String) {
        #expect {
            try PodReference(parsing: text)
        } throws: { error in
            "\(error)".contains(problem) && "\(error)".contains("'\(text)' is not a pod")
        }
    }

    @Test func podReference() throws {
        let pod = try PodReference(parsing: "db/postgres-0")
        #expect(pod == PodReference(namespace: "db", name: "postgres-0"))
        #expect(pod.description == "db/postgres-0")
        #expect(KubernetesName.problem("worker-3") == nil)
        #expect(KubernetesName.problem("") == "is empty")
        #expect(KubernetesName.problem(String(repeating: "a", count: 254)) == "is longer than 253 characters")
    }
}
