import Foundation
import Policy
import Testing

@Suite("OutageBreaker: an array's or a driver's outage told from node failures")
struct OutageBreakerTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func affected(_ count: Int, spreadSeconds: Double = 0) -> [OutageBreaker.AffectedNode] {
        (0..<count).map { OutageBreaker.AffectedNode(name: "w\($0)", since: now.addingTimeInterval(-spreadSeconds * Double($0))) }
    }

    /// (what, was open, affected nodes, seconds between their losses, population, open after)
    static let table: [(String, Bool, Int, Double, Int, Bool)] = [
        ("one node of two is its own failure", false, 1, 0, 2, false),
        ("one node of one is its own failure", false, 1, 0, 1, false),
        ("two of four at once: half are not more than minHealthy", false, 2, 0, 4, true),
        ("two of five at once: 40 %", false, 2, 0, 5, false),
        ("four of four at once", false, 4, 0, 4, true),
        ("three of nine: a third of the nodes is node failures", false, 3, 0, 9, false),
        ("five of nine at once", false, 5, 0, 9, true),
        ("five of nine over an hour: node problems, not an outage", false, 5, 900, 9, false),
        ("five of nine over an hour, already open: stays open", true, 5, 900, 9, true),
        ("open, down to one affected: closes", true, 1, 0, 4, false),
        ("open, two of five left: closes", true, 2, 0, 5, false),
        ("no population", false, 3, 0, 0, false),
    ]

    @Test("opens above 1 - minHealthy of the nodes, at least two, losses within the window; closes below", arguments: table)
    func breaker(_ what: String, _ wasOpen: Bool, _ count: Int, _ spread: Double, _ population: Int, _ expected: Bool) {
        let open = OutageBreaker.isOpen(wasOpen: wasOpen, affected: Self.affected(count, spreadSeconds: spread),
                                        population: population, limits: OutageBreaker.Limits())
        #expect(open == expected, "\(what)")
    }
}
