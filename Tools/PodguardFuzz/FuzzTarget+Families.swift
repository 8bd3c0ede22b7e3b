import ArrayFamily
import GenericFamily
import PowerFlexFamily
import PowerMaxFamily
import PowerScaleFamily
import PowerStoreFamily
import UnityFamily

/// Each family's parsers of what the driver and Kubernetes hand podguard (Libraries/Families/*):
/// a PV's `spec.csi.volumeHandle`, a node's CSI node id, the error texts of NodeUnpublish and
/// ValidateVolumeHostConnectivity, and the per-array queries built from parsed handles
/// (Libraries/ArrayFamily/ArrayFamily+Queries.swift) and the cleanup paths
/// (ArrayFamily+NodeCleanup.swift).
extension FuzzTarget {
    static let families: [FuzzTarget] = [
        family("powerflex", PowerFlexFamily()),
        family("powerstore", PowerStoreFamily()),
        family("powerscale", PowerScaleFamily()),
        family("powermax", PowerMaxFamily()),
        family("unity", UnityFamily()),
        family("generic", GenericFamily(driverName: "csi.example.com")),
    ]

    static func family(_ name: String, _ family: some ArrayFamily) -> FuzzTarget {
        FuzzTarget(
            "family-\(name)",
            "\(type(of: family)): parseVolumeHandle and parseNodeID of each line, connectivityQueries(volumeHandles:) of all lines, cleanupPlan(for:), isExcludedCleanupError, errorMeansDisconnected"
        ) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for line in lines {
                if let handle = try? family.parseVolumeHandle(line) {
                    fuzzExpect(handle.raw == line, "\(name): the parsed handle's raw \(handle.raw.debugDescription) is not \(line.debugDescription)")
                    _ = (handle.arrayIDs, handle.isMetro)
                }
                if let nodeID = try? family.parseNodeID(line) {
                    fuzzExpect(nodeID.raw == line, "\(name): the parsed node id's raw \(nodeID.raw.debugDescription) is not \(line.debugDescription)")
                }
                _ = family.cleanupPlan(for: VolumeOnNode(podUID: "u-1", pvName: "pvc-1", volumeHandle: line, isBlock: line.count % 2 == 0))
            }
            _ = family.connectivityQueries(volumeHandles: lines, knownArrays: lines.suffix(2))
            _ = family.isExcludedCleanupError(text)
            _ = family.errorMeansDisconnected(text)
        }
    }
}
