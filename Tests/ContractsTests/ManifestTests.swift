// Staleness check of the generated code: Libraries/Contracts/proto-manifest.sha256 must list the
// sha256 of every .proto and every generated .swift exactly as they are now (scripts/gen-proto.sh
// writes it). Editing a .proto without `make proto`, or the generated code by hand, fails here.

import Foundation
import Testing

@Suite("Generated code is up to date with proto/")
struct ManifestTests {
    static let protoDir = "proto/podguard/v1"
    static let generatedDir = "Libraries/Contracts/Generated"
    static let manifestPath = "Libraries/Contracts/proto-manifest.sha256"

    @Test("proto-manifest.sha256 matches the .proto and generated files")
    func manifestIsCurrent() throws {
        let root = try RepoRoot.find()
        let files = try Self.contractFiles(root: root)
        #expect(!files.isEmpty, "no .proto or generated files found under \(root.path)")

        let recorded = try Self.parseManifest(
            String(contentsOf: root.appendingPathComponent(Self.manifestPath), encoding: .utf8))
        let actual = try Self.parseManifest(Self.sha256sum(files, root: root))

        var problems: [String] = []
        for path in recorded.keys.sorted() where actual[path] == nil {
            problems.append("listed in the manifest but missing: \(path)")
        }
        for path in actual.keys.sorted() {
            guard let hash = recorded[path] else {
                problems.append("not in the manifest: \(path)")
                continue
            }
            if hash != actual[path] { problems.append("changed since generation: \(path)") }
        }
        #expect(problems.isEmpty, "generated code is stale — run make proto:\n\(problems.joined(separator: "\n"))")
    }

    @Test("every .proto has generated Swift and every generated file has its .proto")
    func protoAndGeneratedFilesPair() throws {
        let root = try RepoRoot.find()
        let files = try Self.contractFiles(root: root)
        let protos = Set(files.filter { $0.hasSuffix(".proto") }.map {
            String($0.dropFirst("proto/".count).dropLast(".proto".count))
        })
        let generated = Set(files.filter { $0.hasSuffix(".pb.swift") }.map {
            String($0.dropFirst(Self.generatedDir.count + 1).dropLast(".pb.swift".count))
        })
        let strays = files.filter { $0.hasPrefix(Self.generatedDir) && !$0.hasSuffix(".pb.swift") }
        #expect(!protos.isEmpty)
        #expect(protos.subtracting(generated).isEmpty,
                "no generated Swift for \(protos.subtracting(generated).sorted()) — run make proto")
        #expect(generated.subtracting(protos).isEmpty,
                "generated Swift without a .proto: \(generated.subtracting(protos).sorted()) — run make proto")
        #expect(strays.isEmpty, "unexpected files in \(Self.generatedDir): \(strays) — run make proto")
    }

    @Test("the message reference in docs/bus-contract.md is generated from the current .proto files")
    func docsAreCurrent() throws {
        let root = try RepoRoot.find()
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let python else { return }  // scripts/setup.sh installs python3; without it, nothing to check
        let protos = try Self.contractFiles(root: root).filter { $0.hasSuffix(".proto") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["scripts/proto-doc.py", "--check", "--doc", "docs/bus-contract.md"] + protos
        process.currentDirectoryURL = root
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "docs/bus-contract.md is stale — run make proto: \(message)")
    }

    /// Every .proto under proto/podguard/v1 and every .swift under the generated directory,
    /// relative to the repository root, sorted byte-wise (what gen-proto.sh hashes).
    static func contractFiles(root: URL) throws -> [String] {
        var result: [String] = []
        for (dir, suffix) in [(protoDir, ".proto"), (generatedDir, ".swift")] {
            let base = root.appendingPathComponent(dir)
            guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { continue }
            while let relative = enumerator.nextObject() as? String {
                var isDirectory: ObjCBool = false
                let full = base.appendingPathComponent(relative).path
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory),
                   !isDirectory.boolValue, relative.hasSuffix(suffix) {
                    result.append("\(dir)/\(relative)")
                }
            }
        }
        return result.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Runs sha256sum over `files` (relative paths) from the repository root.
    static func sha256sum(_ files: [String], root: URL) throws -> String {
        let process = Process()
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            process.arguments = ["--"] + files
        } else {  // macOS
            process.executableURL = URL(fileURLWithPath: "/usr/bin/shasum")
            process.arguments = ["-a", "256", "--"] + files
        }
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ManifestError.sha256sumFailed(process.terminationStatus)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// "hash  path" lines → [path: hash].
    static func parseManifest(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.isEmpty {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64 else { throw ManifestError.malformedLine(String(line)) }
            var path = String(parts[1])
            if path.hasPrefix(" ") || path.hasPrefix("*") { path.removeFirst() }
            result[path] = String(parts[0])
        }
        return result
    }
}

enum ManifestError: Error, CustomStringConvertible {
    case sha256sumFailed(Int32)
    case malformedLine(String)
    case noRepoRoot(String)

    var description: String {
        switch self {
        case .sha256sumFailed(let status): "sha256sum exited with status \(status)"
        case .malformedLine(let line): "malformed manifest line (run make proto): \(line)"
        case .noRepoRoot(let from): "no repository root (Package.swift beside proto/) above \(from)"
        }
    }
}

enum RepoRoot {
    /// The repository root: the first directory above this source file holding Package.swift and proto/.
    static func find(from file: String = #filePath) throws -> URL {
        var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        while dir.path != "/" {
            let fm = FileManager.default
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: dir.appendingPathComponent("proto").path) {
                return dir
            }
            dir.deleteLastPathComponent()
        }
        throw ManifestError.noRepoRoot(file)
    }
}
