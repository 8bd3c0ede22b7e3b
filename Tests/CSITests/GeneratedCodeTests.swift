// Staleness check of the CSI library's generated code (the same rule as ContractsTests'
// ManifestTests): proto/csi-manifest.sha256 must list the sha256 of every CSI/podmon .proto and every
// generated .swift exactly as they are now. Editing a .proto without `make proto`, or the generated
// code by hand, fails here.

import Harness
import Testing

@Suite("CSI generated code is up to date with proto/csi and proto/podmon")
struct GeneratedCodeTests {
    static let manifest = GeneratedCodeManifest(manifestPath: "proto/csi-manifest.sha256", protoDirectories: ["proto/csi/v1", "proto/podmon/v1"],
                                                generatedDirectory: "Libraries/CSI/Generated")

    @Test("csi-manifest.sha256 matches the .proto and generated files")
    func manifestIsCurrent() throws {
        let problems = try Self.manifest.problems()
        #expect(problems.isEmpty, "CSI generated code is stale — run make proto:\n\(problems.joined(separator: "\n"))")
    }

    @Test("every .proto has its messages and its gRPC stubs")
    func pairs() throws {
        let missing = try Self.manifest.missingGeneratedFiles()
        #expect(missing.isEmpty, "missing — run make proto:\n\(missing.joined(separator: "\n"))")
    }
}
