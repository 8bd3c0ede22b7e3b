import CSI
import Kube

extension PersistentVolume {
    var isBlock: Bool { spec?.volumeMode == "Block" }

    /// The CSI capability kubelet and the external-attacher derive from the PV: block or mount,
    /// multi-node writer for ReadWriteMany (the simulated array then allows several hosts).
    var csiCapability: Csi_V1_VolumeCapability {
        var capability: Csi_V1_VolumeCapability = isBlock ? .singleNodeWriterBlock : .singleNodeWriterMount
        let modes = spec?.accessModes ?? []
        if modes.contains("ReadWriteMany") {
            capability.accessMode.mode = .multiNodeMultiWriter
        } else if modes.contains("ReadOnlyMany") {
            capability.accessMode.mode = .multiNodeReaderOnly
        }
        return capability
    }
}
