public import GRPCCore

extension CRIClient {
    /// `RuntimeService.Version`.
    public func version(deadline: Duration? = nil) async throws(CRIError) -> RuntimeVersion {
        let runtime = Runtime_V1_RuntimeService.Client(wrapping: grpc)
        var request = Runtime_V1_VersionRequest()
        request.version = "v1"
        let response = try await call("Version", deadline: deadline) { options in
            try await runtime.version(request, options: options)
        }
        return RuntimeVersion(version: response.version, runtimeName: response.runtimeName,
                              runtimeVersion: response.runtimeVersion, runtimeAPIVersion: response.runtimeApiVersion)
    }

    /// `RuntimeService.ListContainers` with a raw filter (nil lists every container).
    public func listContainers(filter: Runtime_V1_ContainerFilter? = nil,
                               deadline: Duration? = nil) async throws(CRIError) -> [Runtime_V1_Container] {
        let runtime = Runtime_V1_RuntimeService.Client(wrapping: grpc)
        var request = Runtime_V1_ListContainersRequest()
        if let filter { request.filter = filter }
        return try await call("ListContainers", deadline: deadline) { options in
            try await runtime.listContainers(request, options: options)
        }.containers
    }

    /// The containers of the given pods (every container of every pod when `podUIDs` is empty),
    /// sorted by pod uid, then container name, then attempt.
    ///
    /// One pod is asked with the runtime's label filter (`io.kubernetes.pod.uid`); several pods are
    /// one unfiltered list filtered here, so the answer is one consistent snapshot at the cost of
    /// one call, not one call per pod.
    public func containers(ofPods podUIDs: [String], deadline: Duration? = nil) async throws(CRIError) -> [PodContainer] {
        let wanted = Set(podUIDs)
        var filter: Runtime_V1_ContainerFilter?
        if wanted.count == 1, let uid = wanted.first {
            var byPod = Runtime_V1_ContainerFilter()
            byPod.labelSelector = [KubeletLabels.podUID: uid]
            filter = byPod
        }
        let listed = try await listContainers(filter: filter, deadline: deadline).map(PodContainer.init)
        let mine = wanted.isEmpty ? listed : listed.filter { wanted.contains($0.podUID) }
        return mine.sorted { ($0.podUID, $0.containerName, $0.attempt, $0.id) < ($1.podUID, $1.containerName, $1.attempt, $1.id) }
    }
}
