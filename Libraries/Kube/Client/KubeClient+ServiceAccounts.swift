extension KubeClient {
    /// Waits until `namespace` admits pods: the ServiceAccount admission plugin refuses a pod until
    /// the `default` account exists and, before Kubernetes 1.24, until its token Secret is listed
    /// in it ("No API token found for service account"). Throws ``KubeError/timeout(_:)`` after
    /// `timeout`.
    public func waitForDefaultServiceAccount(namespace: String, timeout: Duration = .seconds(60)) async throws {
        let needsTokenSecret = try await serverVersion().createsServiceAccountTokenSecrets
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let account = try await getIfPresent(ServiceAccount.self, name: "default", namespace: namespace),
               !needsTokenSecret || account.secrets?.isEmpty == false {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw KubeError.timeout("namespace \(namespace): no usable default ServiceAccount after \(timeout)")
    }
}
