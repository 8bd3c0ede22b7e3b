/// One fuzz target: a name for `PODGUARD_FUZZ_TARGET`, what it feeds the bytes to, and the seeds
/// that are generated rather than written by hand (encoded protobuf messages).
struct FuzzTarget: Sendable {
    let name: String
    /// The product functions the target calls, for `--list` and docs/fuzzing.md.
    let summary: String
    /// Decodes one input. It must return for every input; a trap is a finding.
    let run: @Sendable ([UInt8]) -> Void
    /// Binary seeds, `(file name, bytes)`, written by `--write-corpus`; text seeds are committed
    /// files, and some generated seeds are made from them (the argument is the corpus root).
    let generatedSeeds: @Sendable (_ corpus: String) -> [(String, [UInt8])]

    init(_ name: String, _ summary: String, seeds: @escaping @Sendable (_ corpus: String) -> [(String, [UInt8])] = { _ in [] },
         run: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.summary = summary
        self.run = run
        self.generatedSeeds = seeds
    }

    static let all: [FuzzTarget] = [busMessage, busSubject, kubeJSON, kubeModels, kubeWatch, config, driverConfig]
        + families + [csiReply, criReply]

    static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}

/// A property of the decoders that must hold; a violation stops the fuzzer like a crash does.
func fuzzExpect(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz property violated: \(message())") }
}

/// The parts of one input: a selector byte (which message type, which chunk size) and the rest.
struct FuzzInput {
    var selector: Int
    var rest: [UInt8]

    init(_ bytes: [UInt8]) {
        selector = Int(bytes.first ?? 0)
        rest = Array(bytes.dropFirst())
    }

    /// The input cut into sections at each line that is exactly `%%` (text targets with several
    /// sources: a file, the environment, the command line).
    static func sections(_ text: String, count: Int) -> [String] {
        var sections: [[Substring]] = [[]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "%%" { sections.append([]) } else { sections[sections.count - 1].append(line) }
        }
        while sections.count < count { sections.append([]) }
        return sections.map { $0.joined(separator: "\n") }
    }
}
