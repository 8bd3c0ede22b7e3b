import Foundation
import Kube
import Testing

@Suite("Kubeconfig parsing (pure)")
struct KubeconfigParsingTests {
    private let base = """
    apiVersion: v1
    kind: Config
    clusters:
    - name: c
      cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true, tls-server-name: kubernetes}
    users:
    - name: token-user
      user: {token: abc}
    - name: file-user
      user: {tokenFile: tokens/sa}
    - name: cert-user
      user: {client-certificate-data: Y2VydA==, client-key-data: a2V5}
    - name: half-user
      user: {client-certificate-data: Y2VydA==}
    contexts:
    - name: token
      context: {cluster: c, user: token-user, namespace: ns1}
    - name: file
      context: {cluster: c, user: file-user}
    - name: cert
      context: {cluster: c, user: cert-user}
    - name: half
      context: {cluster: c, user: half-user}
    - name: missing
      context: {cluster: nowhere, user: token-user}
    current-context: token
    """

    @Test func currentContextTokenAndInsecure() throws {
        let configuration = try KubeClientConfiguration.fromKubeconfig(yaml: base, baseDirectory: "/etc/kube")
        #expect(configuration.server == "https://127.0.0.1:6443")
        #expect(configuration.credentials == .bearerToken("abc"))
        #expect(configuration.namespace == "ns1")
        #expect(configuration.tls.insecureSkipVerify)
        #expect(configuration.tls.serverName == "kubernetes")
    }

    @Test func tokenFileIsResolvedRelativeToTheKubeconfig() throws {
        let configuration = try KubeClientConfiguration.fromKubeconfig(yaml: base, context: "file", baseDirectory: "/etc/kube")
        #expect(configuration.credentials == .tokenFile(path: "/etc/kube/tokens/sa", reReadInterval: .seconds(60)))
    }

    @Test func base64DataIsDecoded() throws {
        let configuration = try KubeClientConfiguration.fromKubeconfig(yaml: base, context: "cert", baseDirectory: "/")
        #expect(configuration.tls.clientCertificatePEM == Array("cert".utf8))
        #expect(configuration.tls.clientKeyPEM == Array("key".utf8))
        #expect(configuration.credentials == .none)
    }

    @Test func brokenConfigurationsAreRefusedWithAReason() {
        #expect(throws: KubeConfigError.self) { try KubeClientConfiguration.fromKubeconfig(yaml: base, context: "half", baseDirectory: "/") }
        #expect(throws: KubeConfigError.self) { try KubeClientConfiguration.fromKubeconfig(yaml: base, context: "missing", baseDirectory: "/") }
        #expect(throws: KubeConfigError.self) { try KubeClientConfiguration.fromKubeconfig(yaml: base, context: "nope", baseDirectory: "/") }
        #expect(throws: KubeConfigError.self) { try KubeClientConfiguration.fromKubeconfig(yaml: "clusters: 3", baseDirectory: "/") }
        #expect(throws: KubeConfigError.self) { try KubeClientConfiguration.fromKubeconfig(path: "/nonexistent/kubeconfig") }
    }
}
