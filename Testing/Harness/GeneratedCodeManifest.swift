import Foundation

/// A `sha256sum` manifest of .proto files and the Swift generated from them (`make proto` writes
/// it). Checking it catches a .proto edited without regenerating, or generated code edited by hand.
public struct GeneratedCodeManifest: Sendable {
    /// Paths relative to the repository root.
    public var manifestPath: String
    public var protoDirectories: [String]
    public var generatedDirectory: String

    public init(manifestPath: String, protoDirectories: [String], generatedDirectory: String) {
        self.manifestPath = manifestPath
        self.protoDirectories = protoDirectories
        self.generatedDirectory = generatedDirectory
    }

    /// Where the manifest and the files differ: listed but missing, not listed, changed; or no
    /// .proto or gRPC stub found at all.
    public func problems(root: URL? = nil) throws -> [String] {
        let root = try root ?? Self.repositoryRoot()
        let files = files(root: root)
        var problems: [String] = []
        if !files.contains(where: { $0.hasSuffix(".proto") }) { problems.append("no .proto under \(protoDirectories)") }
        if !files.contains(where: { $0.hasSuffix(".grpc.swift") }) { problems.append("no gRPC stubs under \(generatedDirectory)") }
        let recorded = try Self.parse(String(contentsOf: root.appendingPathComponent(manifestPath), encoding: .utf8))
        let actual = try Self.parse(Self.sha256sum(files, root: root))
        for path in recorded.keys.sorted() where actual[path] == nil { problems.append("listed but missing: \(path)") }
        for path in actual.keys.sorted() {
            if recorded[path] == nil { problems.append("not in the manifest: \(path)") }
            else if recorded[path] != actual[path] { problems.append("changed since generation: \(path)") }
        }
        return problems
    }

    /// The messages (`.pb.swift`) and gRPC stubs (`.grpc.swift`) some .proto lacks.
    public func missingGeneratedFiles(root: URL? = nil) throws -> [String] {
        let files = files(root: try root ?? Self.repositoryRoot())
        var missing: [String] = []
        for proto in files where proto.hasSuffix(".proto") {
            let stem = "\(generatedDirectory)/" + proto.dropFirst("proto/".count).dropLast(".proto".count)
            for generated in [stem + ".pb.swift", stem + ".grpc.swift"] where !files.contains(generated) {
                missing.append("\(generated) (from \(proto))")
            }
        }
        return missing
    }

    /// The .proto and generated files as they are now, relative to `root`, in `sha256sum`'s byte order.
    func files(root: URL) -> [String] {
        let sources = protoDirectories.map { ($0, ".proto") } + [(generatedDirectory, ".swift")]
        var result: [String] = []
        for (directory, suffix) in sources {
            guard let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(directory).path) else { continue }
            while let relative = enumerator.nextObject() as? String {
                if relative.hasSuffix(suffix) { result.append("\(directory)/\(relative)") }
            }
        }
        return result.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The repository root above this file: the first directory with both Package.swift and proto/.
    static func repositoryRoot(from file: String = #filePath) throws -> URL {
        var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: directory.appendingPathComponent("proto").path) { return directory }
            directory.deleteLastPathComponent()
        }
        throw ManifestError(description: "no repository root above \(file)")
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
            guard parts.count == 2, parts[0].count == 64 else { throw ManifestError(description: "malformed manifest line: \(line)") }
            result[String(parts[1].drop { $0 == " " || $0 == "*" })] = String(parts[0])
        }
        return result
    }

    /// A manifest or repository layout the check cannot read.
    public struct ManifestError: Error, CustomStringConvertible {
        public var description: String
    }
}
