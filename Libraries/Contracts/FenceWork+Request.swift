extension Podguard_V1_FenceWork {
    /// The work item that names the FenceRecord holding `request` (its header, fence id, pod, node).
    public init(naming request: Podguard_V1_FenceRequest) {
        self.init()
        header = request.header
        fenceID = request.fenceID
        pod = request.pod
        nodeName = request.nodeName
    }
}
