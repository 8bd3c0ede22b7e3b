// Staleness check of the CRI library's generated code (the same rule as ContractsTests'
// ManifestTests): proto/cri-manifest.sha256 must list the sha256 of every CRI .proto and every
// generated .swift exactly as they are now. Editing a .proto without `make proto`, or the generated
// code by hand, fails here.

import Foundation
import Testing

@Suite("CRI generated code is up to date with proto/cri")
struct GeneratedCodeTests {
    static let sources: [(dir: String, suffix: String)] = [
        ("proto/cri/runtime/v1", ".proto"), ("Libraries/CRI/Generated", ".swift"),
    ]
    static let manifestPath = "proto/cri-manifest.sha256"

    @Test("cri-manifest.sha256 matches the .proto and generated files")
    func manifestIsCurrent() throws {
        let root = try Self.repositoryRoot()
        let files = Self.files(root: root)
        #expect(files.contains { $0.hasSuffix(".proto") } && files.contains { $0.hasSuffix(".grpc.swift") })
        let recorded = try Self.parse(String(contentsOf: root.appendingPathComponent(Self.manifestPath), encoding: .utf8))
        let actual = try Self.parse(Self.sha256sum(files, root: root))
        var problems: [String] = []
        for path in recorded.keys.sorted() where actual[path] == nil { problems.append("listed but missing: \(path)") }
        for path in actual.keys.sorted() {
            if recorded[path] == nil { problems.append("not in the manifest: \(path)") }
            else if recorded[path] != actual[path] { problems.append("changed since generation: \(path)") }
        }
        #expect(problems.isEmpty, "CRI generated code is stale — run make proto:\n\(problems.joined(separator: "\n"))")
    }

    @Test("every .proto has its messages and its gRPC stubs")
    func pairs() throws {
        let files = Self.files(root: try Self.repositoryRoot())
        for proto in files where proto.hasSuffix(".proto") {
            let stem = "Libraries/CRI/Generated/" + proto.dropFirst("proto/".count).dropLast(".proto".count)
            #expect(files.contains(stem + ".pb.swift"), "no messages for \(proto) — run make proto")
            #expect(files.contains(stem + ".grpc.swift"), "no gRPC stubs for \(proto) — run make proto")
        }
    }

    static func files(root: URL) -> [String] {
        var result: [String] = []
        for (dir, suffix) in sources {
            guard let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(dir).path) else { continue }
            while let relative = enumerator.nextObject() as? String {
                if relative.hasSuffix(suffix) { result.append("\(dir)/\(relative)") }
            }
        }
        return result.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func sha256sum(_ files: [String], root: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = ["--"] + files
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func parse(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64 else { throw StaleError("malformed manifest line: \(line)") }
            result[String(parts[1].drop { $0 == " " || $0 == "*" })] = String(parts[0])
        }
        return result
    }

    static func repositoryRoot(from file: String = #filePath) throws -> URL {
        var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: dir.appendingPathComponent("proto").path) { return dir }
            dir.deleteLastPathComponent()
        }
        throw StaleError("no repository root above \(file)")
    }

    struct StaleError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
