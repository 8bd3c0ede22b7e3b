public import ArrayFamily
import Foundation
public import Harness
public import Kube
import Yams

/// podguard's Helm chart rendered for one stack and installed as a user would: its ServiceAccounts
/// and RBAC applied to the real API server, and for each service the configuration file from its
/// ConfigMap and a kubeconfig holding a token of its ServiceAccount (TokenRequest, as a projected
/// token in its pod). Services started with these act under exactly the chart's permissions, which
/// the API server's RBAC enforces.
public struct ChartRelease: Sendable {
    public let release: String
    public let namespace: String
    public let directory: URL
    /// `config.yaml` of each chart service (`watcher`, `array-prober`, `adapter-powerstore-node`, ...).
    public let configFiles: [String: URL]
    /// Each chart service's ServiceAccount.
    public let serviceAccounts: [String: String]
    /// A kubeconfig per ServiceAccount: the API server, its CA, a token of that account.
    public let kubeconfigs: [String: URL]
    /// Bearer tokens per ServiceAccount (tests act as a service with them).
    public let tokens: [String: String]
    /// Cluster-scoped objects the release created (deleted by `uninstall`).
    private let clusterObjects: [String]

    /// The chart's directory in this checkout.
    public static var chartDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("helm/podguard")
    }

    /// helm as `make setup` installs it (scripts/tools.sh).
    public static func helm() throws -> URL {
        let cache = ProcessInfo.processInfo.environment["PODGUARD_CACHE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.cache/podguard")
        let path = URL(fileURLWithPath: cache).appendingPathComponent("bin/helm")
        guard FileManager.default.isExecutableFile(atPath: path.path) else {
            throw HarnessError.executableNotFound("helm", hint: "run `make setup` (installs helm into \(path.deletingLastPathComponent().path))")
        }
        return path
    }

    /// Renders the chart with these families' adapters, creates the namespace, applies the
    /// ServiceAccounts and RBAC, and asks the API server for a token of every ServiceAccount.
    /// - Parameter fenceAgentSecretNamespace: where fencing reads the nodes' fence agent Secrets
    ///   (the chart's Role for them goes there); nil: the release namespace.
    public static func install(release: String, namespace: String, families: [ArrayFamilyID], plane: KubeControlPlane,
                               fenceAgentSecretNamespace: String? = nil, directory: URL) async throws -> ChartRelease {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // alert-relay is off by default (it needs a receiver); the stack's flags give its receivers.
        var arguments = ["template", release, chartDirectory.path, "--namespace", namespace,
                         "--set", "alert-relay.enabled=true", "--set", "alert-relay.alertmanager.urls={http://127.0.0.1:9093}"]
        if let fenceAgentSecretNamespace {
            arguments += ["--set", "fencing.config.remediation.fenceAgent.secretNamespace=\(fenceAgentSecretNamespace)"]
        }
        for family in families {
            arguments += ["--set", "adapters.families.\(family.rawValue).enabled=true",
                          "--set", "adapters.families.\(family.rawValue).controller.socketVolume.hostPath.path=/var/lib/podguard/\(family.rawValue)"]
        }
        let rendered = try await ChildProcess.run(try helm(), arguments)
        guard rendered.status == 0 else { throw StackError("helm template failed:\n\(rendered.output)") }
        let documents = try Yams.load_all(yaml: rendered.output).compactMap { $0 as? [String: Any] }

        var configFiles: [String: URL] = [:]
        var serviceAccounts: [String: String] = [:]
        var rbac: [[String: Any]] = []
        var clusterObjects: [String] = []
        let prefix = "\(release)-"
        for document in documents {
            let kind = document["kind"] as? String ?? ""
            let metadata = document["metadata"] as? [String: Any] ?? [:]
            let name = metadata["name"] as? String ?? ""
            switch kind {
            case "ConfigMap":
                guard let config = (document["data"] as? [String: Any])?["config.yaml"] as? String, name.hasPrefix(prefix) else { continue }
                let service = String(name.dropFirst(prefix.count))
                let file = directory.appendingPathComponent("\(service).yaml")
                try config.write(to: file, atomically: true, encoding: .utf8)
                configFiles[service] = file
            case "Deployment", "DaemonSet":
                let spec = ((document["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]
                if let account = spec?["serviceAccountName"] as? String, name.hasPrefix(prefix) {
                    serviceAccounts[String(name.dropFirst(prefix.count))] = account
                }
            case "ServiceAccount", "Role", "RoleBinding":
                rbac.append(document)
            case "ClusterRole", "ClusterRoleBinding":
                rbac.append(document)
                clusterObjects.append("\(kind.lowercased())/\(name)")
            default:
                continue
            }
        }
        let rbacFile = directory.appendingPathComponent("rbac.yaml")
        try rbac.map { try Yams.dump(object: $0) }.joined(separator: "---\n").write(to: rbacFile, atomically: true, encoding: .utf8)
        _ = try await plane.kubectl(["create", "namespace", namespace])
        let applied = try await plane.kubectl(["apply", "-f", rbacFile.path])
        guard applied.status == 0 else { throw StackError("applying the chart's RBAC failed:\n\(applied.output)") }

        var tokens: [String: String] = [:]
        var kubeconfigs: [String: URL] = [:]
        let request = directory.appendingPathComponent("token-request.json")
        try #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":86400}}"#
            .write(to: request, atomically: true, encoding: .utf8)
        for account in Set(serviceAccounts.values).sorted() {
            let path = "/api/v1/namespaces/\(namespace)/serviceaccounts/\(account)/token"
            let answer = try await plane.kubectl(["create", "--raw", path, "-f", request.path])
            guard answer.status == 0, let json = try? JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [String: Any],
                  let token = (json["status"] as? [String: Any])?["token"] as? String else {
                throw StackError("TokenRequest for \(namespace)/\(account) failed:\n\(answer.output)")
            }
            tokens[account] = token
            let kubeconfig = directory.appendingPathComponent("\(account).kubeconfig")
            try """
            apiVersion: v1
            kind: Config
            clusters: [{name: stack, cluster: {server: "\(plane.apiserverURL)", certificate-authority: "\(plane.caFile)"}}]
            users: [{name: \(account), user: {token: "\(token)"}}]
            contexts: [{name: \(account), context: {cluster: stack, user: \(account), namespace: \(namespace)}}]
            current-context: \(account)

            """.write(to: kubeconfig, atomically: true, encoding: .utf8)
            kubeconfigs[account] = kubeconfig
        }
        return ChartRelease(release: release, namespace: namespace, directory: directory, configFiles: configFiles,
                            serviceAccounts: serviceAccounts, kubeconfigs: kubeconfigs, tokens: tokens, clusterObjects: clusterObjects)
    }

    /// The kubeconfig of a chart service's ServiceAccount.
    public func kubeconfig(of service: String) -> URL? {
        serviceAccounts[service].flatMap { kubeconfigs[$0] }
    }

    /// A Kubernetes client acting as a chart service's ServiceAccount.
    public func client(as service: String, plane: KubeControlPlane) throws -> KubeClient {
        guard let account = serviceAccounts[service], let token = tokens[account] else {
            throw StackError("the chart gives \(service) no ServiceAccount")
        }
        let ca = try [UInt8](Data(contentsOf: URL(fileURLWithPath: plane.caFile)))
        let configuration = KubeClientConfiguration(server: plane.apiserverURL, tls: TLSSettings(caPEM: ca),
                                                    credentials: .bearerToken(token), namespace: namespace)
        return try KubeClient(configuration: configuration)
    }

    /// Deletes the release's namespace and its cluster-scoped RBAC.
    public func uninstall(plane: KubeControlPlane) async {
        for object in clusterObjects { _ = try? await plane.kubectl(["delete", object, "--ignore-not-found"]) }
        _ = try? await plane.kubectl(["delete", "namespace", namespace, "--wait=false"])
    }
}
