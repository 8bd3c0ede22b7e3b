import Foundation
import Harness
import Kube
import Testing

@Suite("Kubeconfig and in-cluster authentication against the real apiserver", .timeLimit(.minutes(2)))
struct AuthConfigTests {
    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kube-auth-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Lists namespaces with the given configuration: proves transport, trust and identity.
    private func canList(_ configuration: KubeClientConfiguration) async throws -> Bool {
        try await withClient(configuration) { client in
            _ = try await client.list(Namespace.self, options: ListOptions(limit: 1))
            return true
        }
    }

    @Test func kubeconfigWithFilesWorks() async throws {
        let plane = try await TestCluster.plane()
        // The admin kubeconfig written by up.sh uses certificate-authority / client-certificate files.
        #expect(try await canList(KubeClientConfiguration.fromKubeconfig(path: plane.kubeconfigPath)))
    }

    @Test func kubeconfigWithBase64DataAndRelativePathsWorks() async throws {
        let plane = try await TestCluster.plane()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = try Data(contentsOf: URL(fileURLWithPath: plane.caFile)).base64EncodedString()
        let cert = try Data(contentsOf: URL(fileURLWithPath: plane.clientCertFile)).base64EncodedString()
        // The key as a file next to the kubeconfig, named relatively: mixed data and file.
        try FileManager.default.copyItem(atPath: plane.clientKeyFile, toPath: directory.appendingPathComponent("admin.key").path)
        let yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: other
          cluster: {server: "https://127.0.0.1:1"}
        - name: real
          cluster:
            server: \(plane.apiserverURL)
            certificate-authority-data: \(ca)
        users:
        - name: admin
          user:
            client-certificate-data: \(cert)
            client-key: admin.key
        contexts:
        - name: wrong
          context: {cluster: other, user: admin}
        - name: right
          context: {cluster: real, user: admin, namespace: team-a}
        current-context: right
        """
        let path = directory.appendingPathComponent("config").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try KubeClientConfiguration.fromKubeconfig(path: path)
        #expect(configuration.namespace == "team-a")
        #expect(try await canList(configuration))
        // The other context points at a closed port: the context choice matters.
        let wrong = try KubeClientConfiguration.fromKubeconfig(path: path, context: "wrong")
        await #expect(throws: KubeError.self) { try await canList(wrong) }
    }

    @Test func insecureSkipVerifyWorksAndWithoutItTheUnknownCAFails() async throws {
        let plane = try await TestCluster.plane()
        var tls = TLSSettings()
        tls.clientCertificatePEM = Array(try Data(contentsOf: URL(fileURLWithPath: plane.clientCertFile)))
        tls.clientKeyPEM = Array(try Data(contentsOf: URL(fileURLWithPath: plane.clientKeyFile)))
        var untrusted = KubeClientConfiguration(server: plane.apiserverURL, tls: tls)
        untrusted.retry = RetryPolicy(maxAttempts: 1)
        await #expect(throws: KubeError.self) { try await canList(untrusted) }
        var insecure = untrusted
        insecure.tls.insecureSkipVerify = true
        #expect(try await canList(insecure))
    }

    @Test func bearerTokenFromAKubeconfigAndTokenFileRotationInCluster() async throws {
        let (admin, plane) = try await TestCluster.client()
        let ns = try await TestCluster.namespace(admin, "token", waitForServiceAccount: true)
        // Two service accounts; only "reader" may list pods in the namespace.
        for name in ["reader", "nobody"] { _ = try await admin.create(ServiceAccount(name: name, namespace: ns)) }
        var binding = TestRoleBinding(name: "reader-view", namespace: ns)
        binding.roleRef = .object(["apiGroup": .string("rbac.authorization.k8s.io"), "kind": .string("ClusterRole"), "name": .string("view")])
        binding.subjects = [.object(["kind": .string("ServiceAccount"), "name": .string("reader"), "namespace": .string(ns)])]
        _ = try await admin.create(binding)
        // TokenRequest (GA since 1.20): the same on every version, with or without token Secrets.
        func token(of account: String) async throws -> String {
            try await TestTokenRequest.token(admin, account: account, namespace: ns)
        }
        let readerToken = try await token(of: "reader")
        let nobodyToken = try await token(of: "nobody")

        // kubeconfig with `token` and the CA as a file.
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let kubeconfig = directory.appendingPathComponent("token.kubeconfig").path
        try """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "\(plane.apiserverURL)", certificate-authority: "\(plane.caFile)"}}]
        users: [{name: u, user: {token: "\(readerToken)"}}]
        contexts: [{name: x, context: {cluster: c, user: u, namespace: "\(ns)"}}]
        current-context: x
        """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        try await withClient(try KubeClientConfiguration.fromKubeconfig(path: kubeconfig)) { client in
            _ = try await client.list(Pod.self, namespace: ns)
            await #expect { try await client.list(Pod.self, namespace: "default") } throws: { error in
                guard case .forbidden(let status) = error as? KubeError else { return false }
                return status.message?.contains("system:serviceaccount:\(ns):reader") == true
            }
        }

        // In-cluster: a service-account directory of our own, the environment pointing at the apiserver.
        let account = directory.appendingPathComponent("serviceaccount")
        try FileManager.default.createDirectory(at: account, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: plane.caFile, toPath: account.appendingPathComponent("ca.crt").path)
        try ns.write(to: account.appendingPathComponent("namespace"), atomically: true, encoding: .utf8)
        let tokenFile = account.appendingPathComponent("token")
        try readerToken.write(to: tokenFile, atomically: true, encoding: .utf8)
        let environment = ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(plane.apiserverPort)]
        // Re-read interval zero: every request reads the file (the interval logic is unit-tested).
        let configuration = try KubeClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: account.path, tokenReReadInterval: .zero)
        #expect(configuration.namespace == ns)
        try await withClient(configuration) { client in
            _ = try await client.list(Pod.self, namespace: ns)
            // The kubelet rotates the token: the next request must use the new one.
            try nobodyToken.write(to: tokenFile, atomically: true, encoding: .utf8)
            await #expect { try await client.list(Pod.self, namespace: ns) } throws: { error in
                guard case .forbidden(let status) = error as? KubeError else { return false }
                return status.message?.contains("system:serviceaccount:\(ns):nobody") == true
            }
            try readerToken.write(to: tokenFile, atomically: true, encoding: .utf8)
            _ = try await client.list(Pod.self, namespace: ns)
        }
        // An invalid token is a typed 401.
        try "not-a-token".write(to: tokenFile, atomically: true, encoding: .utf8)
        try await withClient(configuration) { client in
            await #expect { try await client.list(Pod.self, namespace: ns) } throws: { error in
                if case .unauthorized = error as? KubeError { return true }
                return false
            }
        }
    }

    /// Kubernetes 1.24+ creates no token Secret for a ServiceAccount: a service runs with the
    /// projected token its kubelet writes and rotates. When the old token is revoked, the next
    /// request is refused (401) and the client must read the file again and go on with the new one.
    @Test func withoutTokenSecretsABoundTokenIsRotatedAfterRevocation() async throws {
        let (admin, plane) = try await TestCluster.client()
        guard try await admin.serverVersion().isAtLeast(1, 24) else { return }  // 1.20 makes token Secrets
        let ns = try await TestCluster.namespace(admin, "bound", waitForServiceAccount: true)
        for name in ["first", "second"] {
            _ = try await admin.create(ServiceAccount(name: name, namespace: ns))
            var binding = TestRoleBinding(name: "\(name)-view", namespace: ns)
            binding.roleRef = .object(["apiGroup": .string("rbac.authorization.k8s.io"), "kind": .string("ClusterRole"), "name": .string("view")])
            binding.subjects = [.object(["kind": .string("ServiceAccount"), "name": .string(name), "namespace": .string(ns)])]
            _ = try await admin.create(binding)
            var anchor = TestSecret(name: "anchor-\(name)", namespace: ns)
            anchor.type = "Opaque"
            _ = try await admin.create(anchor)
        }
        // The token controller had its chance: still no Secret for either account.
        try await Task.sleep(for: .seconds(2))
        for name in ["first", "second", "default"] {
            #expect(try await admin.get(ServiceAccount.self, name: name, namespace: ns).secrets?.isEmpty ?? true)
        }
        #expect(try await admin.list(TestSecret.self, namespace: ns).items.allSatisfy { $0.type != "kubernetes.io/service-account-token" })

        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(atPath: plane.caFile, toPath: directory.appendingPathComponent("ca.crt").path)
        try ns.write(to: directory.appendingPathComponent("namespace"), atomically: true, encoding: .utf8)
        let tokenFile = directory.appendingPathComponent("token")
        try await TestTokenRequest.token(admin, account: "first", namespace: ns, boundTo: "anchor-first")
            .write(to: tokenFile, atomically: true, encoding: .utf8)
        let environment = ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(plane.apiserverPort)]
        // An hour between periodic re-reads: only a 401 can make the client read the file again.
        let configuration = try KubeClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: directory.path, tokenReReadInterval: .seconds(3600))
        func identityRefused(_ client: KubeClient) async -> String? {
            // Listing pods of another namespace is forbidden to both accounts; the refusal names who asked.
            do {
                _ = try await client.list(Pod.self, namespace: "default")
                return nil
            } catch let error as KubeError {
                if case .forbidden(let status) = error { return status.message }
                return "\(error)"
            } catch {
                return "\(error)"
            }
        }
        try await withClient(configuration) { client in
            _ = try await client.list(Pod.self, namespace: ns)
            #expect(await identityRefused(client)?.contains("system:serviceaccount:\(ns):first") == true)
            // The kubelet writes the next token, and the old one is revoked with its bound object.
            try await TestTokenRequest.token(admin, account: "second", namespace: ns, boundTo: "anchor-second")
                .write(to: tokenFile, atomically: true, encoding: .utf8)
            try await admin.delete(TestSecret.self, name: "anchor-first", namespace: ns)
            // The apiserver caches a good token for up to 10 s; after that the old one is refused.
            try await eventually("requests made with the rotated token") {
                await identityRefused(client)?.contains("system:serviceaccount:\(ns):second") == true
            }
            _ = try await client.list(Pod.self, namespace: ns)
        }
    }

    @Test func inClusterWithoutTheEnvironmentIsRefused() throws {
        #expect(throws: KubeConfigError.self) { try KubeClientConfiguration.inCluster(environment: [:]) }
    }
}
