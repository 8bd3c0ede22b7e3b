extension ArrayFamily {
    /// The kubelet's root; podmon hard-codes it too.
    public static var kubeletDirectory: String { "/var/lib/kubelet" }

    /// The paths to unpublish, unstage and remove for `volume`, following the family's layout.
    ///
    /// - Parameter privateMountDirectory: the driver's `X_CSI_PRIVATE_MOUNT_DIR` (the charts set it
    ///   to the kubelet directory); nil when unset.
    public func cleanupPlan(for volume: VolumeOnNode, privateMountDirectory: String? = nil) -> NodeCleanupPlan {
        let kubelet = Self.kubeletDirectory
        let layout = cleanupLayout
        let csiPlugins = "\(kubelet)/plugins/kubernetes.io/csi"
        let podMount = "\(kubelet)/pods/\(volume.podUID)/volumes/kubernetes.io~csi/\(volume.pvName)/mount"

        if volume.isBlock {
            let blockRoot = layout.blockPathsUnderPrivateDir
                ? "\(privateMountDirectory ?? kubelet)/plugins/kubernetes.io/csi" : csiPlugins
            let publish = "\(blockRoot)/volumeDevices/publish/\(volume.pvName)/\(volume.podUID)"
            let staging = layout.supportsBlock && layout.legacyStaging != nil
                ? ["\(blockRoot)/volumeDevices/staging/\(volume.pvName)"] : []
            return NodeCleanupPlan(targetPath: publish, stagingPaths: staging,
                                   privatePath: layout.supportsBlock ? publish : nil)
        }

        let privatePath: String
        switch layout.privateMount {
        case .driverDirectory(let defaultDirectory):
            privatePath = "\(privateMountDirectory ?? defaultDirectory)/\(volume.volumeHandle)"
        case .podMountUnderPrivateDir:
            privatePath = "\(privateMountDirectory ?? kubelet)/pods/\(volume.podUID)/volumes/kubernetes.io~csi/\(volume.pvName)/mount"
        case .podMount:
            privatePath = podMount
        }

        var staging: [String] = []
        switch layout.legacyStaging {
        case .samePathAsPrivateMount:
            staging.append(privatePath)
        case .kubeletPVGlobalMount(let underPrivateDir):
            let root = underPrivateDir ? (privateMountDirectory ?? kubelet) : kubelet
            staging.append("\(root)/plugins/kubernetes.io/csi/pv/\(volume.pvName)/globalmount")
        case nil:
            break
        }
        switch layout.staging {
        case .driverDirectorySHA(let defaultDirectory):
            staging.append("\(privateMountDirectory ?? defaultDirectory)/\(SHA256.hex(volume.volumeHandle))")
        case .kubeletDriverSHA:
            staging.append("\(csiPlugins)/\(csiDriverName)/\(SHA256.hex(volume.volumeHandle))/globalmount")
        case nil:
            break
        }
        return NodeCleanupPlan(targetPath: podMount, stagingPaths: staging, privatePath: privatePath)
    }
}
