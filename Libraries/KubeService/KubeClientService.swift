import Foundation
public import Kube
public import ServiceKit
public import ServiceLifecycle

/// A service's Kubernetes client inside its `ServiceGroup`: made once from the `kube.*` keys
/// (logging as component "kube"), shut down when the group shuts down. List it first: the group
/// stops services in reverse order, so the client outlives the services that use it.
public struct KubeClientService: Service {
    public let client: KubeClient

    public init(client: KubeClient) {
        self.client = client
    }

    /// The client of the application's configuration (`KubeClientSettings`).
    public static func make(_ application: PodguardApplication,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KubeClientService {
        var logger = application.logger
        logger[metadataKey: "component"] = "kube"
        return KubeClientService(client: try KubeClientSettings.client(application.configuration, logger: logger, environment: environment))
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try? await client.shutdown()
    }
}
