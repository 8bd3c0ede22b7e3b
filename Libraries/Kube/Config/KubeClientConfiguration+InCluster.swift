import Foundation

extension KubeClientConfiguration {
    /// The standard service-account location inside a pod.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Configuration of a pod: `KUBERNETES_SERVICE_HOST`/`_PORT`, the service account's CA and
    /// namespace, and its token file, re-read every minute and after a 401 (bound tokens rotate).
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = KubeClientConfiguration.serviceAccountDirectory,
        tokenReReadInterval: Duration = .seconds(60)
    ) throws -> KubeClientConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeConfigError.notInCluster("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
        }
        let directory = URL(fileURLWithPath: serviceAccountDirectory)
        let tokenPath = directory.appendingPathComponent("token").path
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw KubeConfigError.notInCluster("no service-account token at \(tokenPath)")
        }
        let caPath = directory.appendingPathComponent("ca.crt").path
        guard let ca = FileManager.default.contents(atPath: caPath) else {
            throw KubeConfigError.unreadable(path: caPath, reason: "service-account CA missing")
        }
        let namespace = (try? String(contentsOfFile: directory.appendingPathComponent("namespace").path, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // An IPv6 service host needs brackets in the URL.
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return KubeClientConfiguration(
            server: "https://\(hostPart):\(port)",
            tls: TLSSettings(caPEM: Array(ca)),
            credentials: .tokenFile(path: tokenPath, reReadInterval: tokenReReadInterval),
            namespace: namespace
        )
    }
}
