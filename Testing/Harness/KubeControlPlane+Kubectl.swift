import Foundation

extension KubeControlPlane {
    /// Runs the control plane's own kubectl (same version as the server) as the admin user, as a
    /// user at a terminal would; returns its status and output.
    public func kubectl(_ arguments: [String]) async throws -> ChildProcess.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = kubeconfigPath
        return try await ChildProcess.run(URL(fileURLWithPath: kubectlPath), arguments, environment: environment)
    }
}
