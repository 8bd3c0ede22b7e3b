import Foundation

/// `podguard-fuzz`: one libFuzzer executable for every decoder podguard exposes to outside bytes.
///
/// Built with `-sanitize=fuzzer,address` and `-D PODGUARD_FUZZ` (scripts/fuzz.sh), it hands the
/// command line to libFuzzer, which calls `LLVMFuzzerTestOneInput` for the target named by
/// `PODGUARD_FUZZ_TARGET`: one sanitized build serves every target. The plain build (the package's
/// `swift build`) has no libFuzzer; it still lists the targets, writes the generated seeds and
/// replays inputs, so a crash can be reproduced without the sanitizers.
@main
enum PodguardFuzz {
    static let usage = """
        usage: PODGUARD_FUZZ_TARGET=<target> podguard-fuzz [libFuzzer flags] [corpus dirs]   (sanitized build)
               podguard-fuzz --list                        the targets, one a line, with what they call
               podguard-fuzz --write-corpus <dir>          the generated (binary) seeds, <dir>/<target>/<name>
               podguard-fuzz --replay <target> <file>...   feeds each file to the target once
        """

    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "--list":
            for target in FuzzTarget.all { print("\(target.name)\t\(target.summary)") }
        case "--write-corpus":
            guard arguments.count == 2 else { fail(usage) }
            writeCorpus(into: arguments[1])
        case "--replay":
            guard arguments.count >= 3, let target = FuzzTarget.named(arguments[1]) else { fail(usage) }
            for path in arguments.dropFirst(2) {
                guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
                target.run([UInt8](data))
                print("\(target.name): \(path) decoded without a crash")
            }
        case "-h", "--help":
            print(usage)
        default:
            exit(runLibFuzzer())
        }
    }

    static func writeCorpus(into directory: String) {
        for target in FuzzTarget.all {
            let seeds = target.generatedSeeds(directory)
            guard !seeds.isEmpty else { continue }
            let folder = URL(fileURLWithPath: directory).appendingPathComponent(target.name)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for (name, bytes) in seeds {
                    try Data(bytes).write(to: folder.appendingPathComponent(name))
                }
            } catch {
                fail("cannot write the seeds of \(target.name): \(error)")
            }
            print("\(target.name): \(seeds.count) seeds in \(folder.path)")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}

/// The target of this process, looked up once: libFuzzer calls the entry below millions of times.
let selectedTarget: FuzzTarget? = ProcessInfo.processInfo.environment["PODGUARD_FUZZ_TARGET"].flatMap(FuzzTarget.named)

/// libFuzzer's entry: one input, decoded by the selected target. Returning means no crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else {
        let names = FuzzTarget.all.map(\.name).joined(separator: " ")
        PodguardFuzz.fail("set PODGUARD_FUZZ_TARGET to one of: \(names)")
    }
    target.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if PODGUARD_FUZZ
/// libFuzzer's driver (compiler-rt). SwiftPM makes this executable's `@main` the process's `main`,
/// so libFuzzer's own `main` never runs: this hands the command line to it instead.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

func runLibFuzzer() -> CInt {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzTestOneInput($0, $1) }
}
#else
func runLibFuzzer() -> CInt {
    PodguardFuzz.fail("this podguard-fuzz was built without libFuzzer; build and run it with scripts/fuzz.sh (make fuzz)\n\n"
                      + PodguardFuzz.usage)
}
#endif
