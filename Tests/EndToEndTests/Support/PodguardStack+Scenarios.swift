import ArrayFamily
import Contracts
import Foundation
import Kube
import CSISimulator
import PodguardStack

extension PodguardStack {
    /// A FenceRequest for `pod` on `node` as decision would write it: what an outsider forges.
    func forgedFenceRequest(for pod: DeployedPod, family: ArrayFamilyID) async throws -> Podguard_V1_FenceRequest {
        let node = try await kube.get(Node.self, name: pod.node)
        var request = Podguard_V1_FenceRequest()
        request.fenceID = UUID().uuidString.lowercased()
        request.decisionID = UUID().uuidString.lowercased()
        request.pod.namespace = pod.namespace
        request.pod.name = pod.name
        request.pod.uid = pod.uid
        request.nodeName = pod.node
        request.nodeUid = node.metadata.uid ?? ""
        request.reason = .nodeFailure
        var volume = Podguard_V1_FenceVolume()
        volume.family = PodguardSubjects.family(fromToken: family.rawValue) ?? .unspecified
        volume.driver = FamilyCatalog.family(family).csiDriverName
        volume.volumeHandle = pod.volumes[family] ?? ""
        request.volumes = [volume]
        return request
    }
}

extension PodguardStack {
    /// Waits until one of `pods` has a remediation that has not aborted: the moment a scenario
    /// that breaks the infrastructure mid-failover strikes.
    func waitForARemediationUnderWay(_ pods: [DeployedPod]) async throws {
        try await Wait.until("a remediation under way", timeout: .seconds(90), every: .milliseconds(20)) {
            pods.contains { auditor.fenceRecords(podUID: $0.uid).last.map { $0.phase != .aborted } ?? false }
        }
    }
}
