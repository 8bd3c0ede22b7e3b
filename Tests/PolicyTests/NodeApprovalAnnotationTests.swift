import Policy
import Testing

/// The approval annotation's grammar, as fencing reads it and `podguard approve` / `deny` write it
/// (Libraries/Policy/NodeApprovalAnnotation+Format.swift).
@Suite("node approval annotation: approve:<bootID> / deny:<bootID>[:reason]")
struct NodeApprovalAnnotationTests {
    @Test("no annotation, or only whitespace, is no answer")
    func absent() throws {
        #expect(try NodeApprovalAnnotation.parse(nil) == nil)
        #expect(try NodeApprovalAnnotation.parse("") == nil)
        #expect(try NodeApprovalAnnotation.parse("  ") == nil)
        #expect(try NodeApprovalAnnotation.parse(" \n\t") == nil)
    }

    @Test("answers read as fencing always read them")
    func answers() throws {
        #expect(try NodeApprovalAnnotation.parse("approve:b1") == .approve(bootID: "b1"))
        #expect(try NodeApprovalAnnotation.parse("  approve:b1\n") == .approve(bootID: "b1"), "the value is trimmed")
        #expect(try NodeApprovalAnnotation.parse("deny:b1") == .deny(bootID: "b1"))
        #expect(try NodeApprovalAnnotation.parse("deny:b1:") == .deny(bootID: "b1"), "an empty reason is none")
        #expect(try NodeApprovalAnnotation.parse("deny:b1:rack 4 is still powered") == .deny(bootID: "b1", reason: "rack 4 is still powered"))
        #expect(try NodeApprovalAnnotation.parse("deny:b1:  spaced  ")?.reason == "spaced", "a reason is trimmed of spaces")
        #expect(try NodeApprovalAnnotation.parse("deny:b1:see CHG:1234")?.reason == "see CHG:1234", "only the first two ':' split")
        #expect(try NodeApprovalAnnotation.parse("approve:b1:whatever") == .approve(bootID: "b1"), "an approval's third field is ignored")
        #expect(try NodeApprovalAnnotation.parse("approve:") == .approve(bootID: ""), "an empty boot ID parses; fencing matches it to no boot")
        #expect(try NodeApprovalAnnotation.parse("deny::why") == .deny(bootID: "", reason: "why"))
    }

    @Test("malformed values are refused, with what was found", arguments: [
        "yes", "approve", "deny", "approved:b1", "APPROVE:b1", "Deny:b1", ":b1", "approve :b1", "maybe:b1:why", "approve;b1",
    ])
    func malformed(value: String) {
        #expect(throws: NodeApprovalAnnotation.Malformed(found: value)) { try NodeApprovalAnnotation.parse(value) }
    }

    @Test("the refusal says the grammar and at most 80 characters of the value")
    func malformedText() {
        let long = String(repeating: "x", count: 200)
        #expect(throws: NodeApprovalAnnotation.Malformed(found: String(repeating: "x", count: 80))) { try NodeApprovalAnnotation.parse("  \(long) ") }
        #expect(NodeApprovalAnnotation.Malformed(found: "yes").description == "expected approve:<bootID> or deny:<bootID>[:reason], found 'yes'")
    }

    @Test("rendered as the CLI has always written them")
    func render() {
        #expect(NodeApprovalAnnotation.approve(bootID: "boot-a").value == "approve:boot-a")
        #expect(NodeApprovalAnnotation.deny(bootID: "boot-a").value == "deny:boot-a")
        #expect(NodeApprovalAnnotation.deny(bootID: "boot-a", reason: " disk still spinning ").value == "deny:boot-a:disk still spinning")
        #expect(NodeApprovalAnnotation.deny(bootID: "boot-a", reason: "   ").value == "deny:boot-a")
        #expect(NodeApprovalAnnotation.deny(bootID: "boot-a", reason: "see CHG:1234").value == "deny:boot-a:see CHG:1234")
        #expect(NodeApprovalAnnotation.defaultName == "podguard.io/fence-approval")
    }

    @Test("every rendered answer parses back to itself", arguments: [
        NodeApprovalAnnotation.approve(bootID: "6f1c2a9e-8d4b-4b8e-9f0a-3c2d1e0f9a8b"),
        .approve(bootID: "b1"),
        .deny(bootID: "b1"),
        .deny(bootID: "b1", reason: "rack 4 is still powered"),
        .deny(bootID: "b1", reason: "  padded  "),
        .deny(bootID: "b1", reason: "see CHG:1234: a:b:c"),
        .deny(bootID: "b1", reason: "ünïcödé — ✓"),
    ])
    func roundTrip(answer: NodeApprovalAnnotation) throws {
        #expect(try NodeApprovalAnnotation.parse(answer.value) == answer)
    }
}
