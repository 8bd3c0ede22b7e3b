import ServiceKit
import Testing

@Suite("ConfigReloadStateMachine")
struct ConfigReloadStateMachineTests {
    struct Invalid: Error, CustomStringConvertible {
        var description: String { "not a number" }
    }

    static func parse(_ text: String) -> Result<Int, any Error> {
        Int(text).map { .success($0) } ?? .failure(Invalid())
    }

    typealias Machine = ConfigReloadStateMachine<Int>

    @Test("a sequence of polls and what each does")
    func table() {
        var machine = Machine(initial: 1, content: "1")
        let steps: [(read: String?, expected: Machine.Action, current: Int)] = [
            ("1", .none, 1),                                     // unchanged
            ("2", .apply(2), 2),                                 // changed and valid
            ("x", .keepPrevious(reason: "not a number"), 2),     // changed, invalid: previous kept
            ("x", .none, 2),                                     // the same bad content: reported once
            (nil, .keepPrevious(reason: "no such file"), 2),     // unreadable
            (nil, .none, 2),                                     // still unreadable: reported once
            ("x", .none, 2),                                     // back, same bad content as before
            ("02", .none, 2),                                    // other text, same value: nothing to apply
            ("3", .apply(3), 3),
            ("y", .keepPrevious(reason: "not a number"), 3),
            ("3", .none, 3),                                     // back to the value in force
            ("4", .apply(4), 4),
        ]
        for (index, step) in steps.enumerated() {
            let action = step.read.map { machine.read($0, parse: Self.parse) } ?? machine.readFailed("no such file")
            #expect(action == step.expected, "step \(index)")
            #expect(machine.current == step.current, "step \(index)")
        }
    }
}
