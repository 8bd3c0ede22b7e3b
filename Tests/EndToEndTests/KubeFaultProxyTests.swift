import Foundation
import Harness
import Kube
import Logging
import PodguardStack
import Testing

/// The proxy the chaos run puts between the services and the API server: it passes requests on,
/// with the kubeconfig's own credentials, until it is asked to answer errors, which it writes as the
/// API server writes its own (a `Status` object, `Retry-After` on a 429).
@Suite struct KubeFaultProxyTests {
    @Test func passesRequestsOnAndAnswersBurstsAsTheAPIServerWould() async throws {
        let plane = try await KubeControlPlane.shared()
        let proxy = try await KubeFaultProxy.start(plane: plane, logger: Logger(label: "fault-proxy-test"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fault-proxy-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let kubeconfig = try proxy.rewrite(URL(fileURLWithPath: plane.kubeconfigPath), into: directory)
        var configuration = try KubeClientConfiguration.fromKubeconfig(path: kubeconfig.path)
        #expect(configuration.server == proxy.url)
        // One attempt: the client's own retries would ride the burst out.
        configuration.retry = RetryPolicy(maxAttempts: 1)
        let client = try KubeClient(configuration: configuration, logger: Logger(label: "fault-proxy-test"))

        do {
            let namespace = try await client.get(Namespace.self, name: "default")
            #expect(namespace.name == "default")
            #expect(proxy.forwarded >= 1)

            proxy.answer(status: 429, for: .seconds(30))
            do {
                _ = try await client.get(Namespace.self, name: "default")
                Issue.record("a request went through a 429 burst")
            } catch KubeError.tooManyRequests(let status, let retryAfter) {
                #expect(status.code == 429 && status.reason == "TooManyRequests")
                #expect(retryAfter == .seconds(1))
            }
            proxy.answer(status: 500, for: .seconds(30))
            do {
                _ = try await client.list(Namespace.self)
                Issue.record("a request went through a 500 burst")
            } catch KubeError.server(let status) {
                #expect(status.code == 500 && status.reason == "InternalError")
            }
            #expect(proxy.answered == [429: 1, 500: 1])

            proxy.answer(status: 500, for: .zero)
            let after = try await client.list(Namespace.self)
            #expect(after.items.contains { $0.name == "default" })
        } catch {
            try? await client.shutdown()
            await proxy.stop()
            throw error
        }
        try? await client.shutdown()
        await proxy.stop()
    }
}
