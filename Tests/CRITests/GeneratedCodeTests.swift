// Staleness check of the CRI library's generated code (the same rule as ContractsTests'
// ManifestTests): proto/cri-manifest.sha256 must list the sha256 of every CRI .proto and every
// generated .swift exactly as they are now. Editing a .proto without `make proto`, or the generated
// code by hand, fails here.

import Harness
import Testing

@Suite("CRI generated code is up to date with proto/cri")
struct GeneratedCodeTests {
    static let manifest = GeneratedCodeManifest(manifestPath: "proto/cri-manifest.sha256", protoDirectories: ["proto/cri/runtime/v1"],
                                                generatedDirectory: "Libraries/CRI/Generated")

    @Test("cri-manifest.sha256 matches the .proto and generated files")
    func manifestIsCurrent() throws {
        let problems = try Self.manifest.problems()
        #expect(problems.isEmpty, "CRI generated code is stale — run make proto:\n\(problems.joined(separator: "\n"))")
    }

    @Test("every .proto has its messages and its gRPC stubs")
    func pairs() throws {
        let missing = try Self.manifest.missingGeneratedFiles()
        #expect(missing.isEmpty, "missing — run make proto:\n\(missing.joined(separator: "\n"))")
    }
}
