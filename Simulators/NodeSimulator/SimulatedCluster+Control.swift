public import ArrayFamily
public import CSISimulator
import Foundation
public import Kube

/// The control surface for tests: faults, snapshots, the invariant, and static volumes.
extension SimulatedCluster {
    public var nodeNames: [String] { configuration.nodeNames }

    /// Injects a fault into a node (see ``NodeFault``).
    public func inject(_ fault: NodeFault, on node: String) async throws {
        try await simulatedNode(node).inject(fault)
    }

    /// Recovers a node from a fault; from `.reboot` the node boots with a new boot ID.
    public func recover(_ fault: NodeFault, on node: String) async throws {
        try await simulatedNode(node).recover(fault)
    }

    /// Whether the node has power (it is not down: `rebooting` is a node without power).
    public func isPoweredOn(_ node: String) throws -> Bool { try snapshot(of: node).state != .rebooting }

    /// Switches the node's power as its BMC would: off takes it down whatever it was doing
    /// (containers, mounts, heartbeats and array sessions gone); on boots it, healthy, with a new
    /// boot ID. Switching to the state it is in does nothing.
    public func setPower(on: Bool, node: String) async throws {
        guard try isPoweredOn(node) != on else { return }
        if on {
            try await recover(.reboot, on: node)
        } else {
            try await inject(.reboot, on: node)
        }
    }

    /// Makes a workload pod's readiness probe fail (or pass again): its kubelet reports it not
    /// Ready (or Ready) at its next sync, while the pod and its containers keep running.
    public func setPodReady(_ uid: String, on node: String, ready: Bool) throws {
        try simulatedNode(node).setPodReady(uid, ready: ready)
    }

    public func snapshot(of node: String) throws -> NodeSnapshot { try simulatedNode(node).snapshot }
    public var snapshots: [NodeSnapshot] { nodeNames.compactMap { try? snapshot(of: $0) } }

    /// Breaches of invariant 4 (no volume mapped to, or written by, two hosts at once), by family;
    /// empty when it held everywhere.
    public var violations: [ArrayFamilyID: [SimulatorViolation]] {
        backends.compactMapValues { backend in
            let violations = backend.array.violations
            return violations.isEmpty ? nil : violations
        }
    }

    /// Refused workload writes (zombies on fenced or disconnected hosts) per family and host.
    public var refusedWrites: [ArrayFamilyID: [String: Int]] { backends.mapValues { $0.array.refusedWrites } }

    /// Creates a volume on the family's simulated array and a PV for it (class
    /// ``storageClassName(for:)``, Retain), optionally pre-bound to a claim.
    @discardableResult
    public func createPersistentVolume(family: ArrayFamilyID, name: String, capacity: String = "1Gi",
                                       accessModes: [String] = ["ReadWriteOnce"], block: Bool = false,
                                       claim: (namespace: String, name: String)? = nil) async throws -> PersistentVolume {
        guard let backend = backends[family] else { throw NodeSimulatorError.notFamily(family.rawValue) }
        let volume = backend.array.createVolume(name: name, storageProtocol: .block,
                                                multiWriter: accessModes.contains("ReadWriteMany"))
        var pv = PersistentVolume(name: name)
        pv.metadata.labels = ["podguard.io/simulated-family": family.rawValue]
        var spec = PersistentVolumeSpec(capacity: ["storage": capacity], accessModes: accessModes,
                                        csi: CSIPersistentVolumeSource(driver: backend.family.csiDriverName,
                                                                       volumeHandle: volume.handle,
                                                                       fsType: block ? nil : "ext4"))
        spec.persistentVolumeReclaimPolicy = "Retain"
        spec.storageClassName = storageClassName(for: family)
        spec.volumeMode = block ? "Block" : "Filesystem"
        if let claim { spec.claimRef = ObjectReference(kind: "PersistentVolumeClaim", namespace: claim.namespace, name: claim.name) }
        pv.spec = spec
        return try await context.client.create(pv)
    }

    private func simulatedNode(_ name: String) throws(NodeSimulatorError) -> SimulatedNode {
        guard let node = nodes[name] else { throw .unknownNode(name) }
        return node
    }
}
