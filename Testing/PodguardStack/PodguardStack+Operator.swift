import Contracts
import Foundation
public import Harness

extension PodguardStack {
    /// Runs the operator's `podguard` command against this stack's bus as an operator would: the
    /// servers, the observer's and the administrator's passwords and the TLS files in the
    /// environment (docs/cli.md), `arguments` as typed. The demo shows its output; tests read it.
    public func podguard(_ arguments: [String], kubeconfig: String? = nil) async throws -> ChildProcess.Result {
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                           "HOME": directory.path, "PODGUARD_BUS_SERVERS": busURLs.joined(separator: ",")]
        if let security = busSecurity {
            environment["PODGUARD_NATS_OBSERVER_PASSWORD"] = security.password(for: .observer)
            environment["PODGUARD_NATS_ADMIN_PASSWORD"] = security.password(for: .administrator)
            environment["PODGUARD_BUS_TLS_CA_FILE"] = security.certificates.authority.path
            environment["PODGUARD_BUS_TLS_CERT_FILE"] = security.certificates.clientCertificate.path
            environment["PODGUARD_BUS_TLS_KEY_FILE"] = security.certificates.clientKey.path
        }
        environment["KUBECONFIG"] = kubeconfig ?? plane.kubeconfigPath
        return try await ChildProcess.run(try Self.findExecutable("podguard"), arguments, environment: environment)
    }
}
