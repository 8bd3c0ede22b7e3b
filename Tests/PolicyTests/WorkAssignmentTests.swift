@testable import Policy
import Testing

@Suite("array-prober work assignment")
struct WorkAssignmentTests {
    static let keys = (0..<300).map { "powerflex.worker-\($0)" }

    @Test("every key has exactly one owner; the split is roughly even")
    func partition() {
        let replicas = ["prober-a", "prober-b", "prober-c"]
        var owned: [String: Int] = [:]
        for replica in replicas {
            owned[replica] = WorkAssignment.keys(ownedBy: replica, of: Self.keys, among: replicas).count
        }
        #expect(owned.values.reduce(0, +) == Self.keys.count)
        for count in owned.values { #expect(count > 60) }
        #expect(WorkAssignment.owner(of: "x", among: []) == nil)
    }

    @Test("when a replica dies only its keys move, and nothing is left unowned")
    func replicaLoss() {
        let before = ["prober-a", "prober-b", "prober-c"]
        let after = ["prober-a", "prober-c"]
        for key in Self.keys {
            let oldOwner = WorkAssignment.owner(of: key, among: before)
            let newOwner = WorkAssignment.owner(of: key, among: after)
            #expect(newOwner != nil)
            if oldOwner != "prober-b" { #expect(newOwner == oldOwner) }
        }
    }

    @Test("order of the membership list does not matter; the result is stable across runs")
    func deterministic() {
        for key in Self.keys.prefix(50) {
            #expect(WorkAssignment.owner(of: key, among: ["a", "b", "c"]) == WorkAssignment.owner(of: key, among: ["c", "a", "b"]))
        }
        // Pinned values, computed independently: a process-seeded hash would break these, and so
        // would any change that makes replicas of different versions disagree.
        #expect(WorkAssignment.weight("k", "r") == 8_331_192_840_195_234_718)
        #expect(WorkAssignment.owner(of: "powerflex.worker-0", among: ["a", "b", "c"]) == "b")
        #expect(WorkAssignment.owner(of: "powerflex.worker-1", among: ["a", "b", "c"]) == "b")
        #expect(WorkAssignment.owner(of: "unity.worker-7", among: ["a", "b", "c"]) == "a")
    }
}
