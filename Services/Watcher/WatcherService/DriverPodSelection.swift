import Foundation
import ServiceKit

/// How the watcher finds CSI driver node pods and tells which driver each one serves.
///
/// podmon watches pods labelled `driver.dellemc.com=dell-storage` in its own driver's namespace;
/// one podguard watcher serves every driver, so the driver of a pod follows from its namespace
/// (Dell's charts install each driver in a namespace of its own). Pods that match the selector in
/// a namespace not listed here are ignored.
public struct DriverPodSelection: Sendable, Hashable {
    public var labelSelector: String
    /// CSI driver name by namespace.
    public var driverByNamespace: [String: String]

    public init(labelSelector: String, driverByNamespace: [String: String]) {
        self.labelSelector = labelSelector
        self.driverByNamespace = driverByNamespace
    }

    /// The namespaces of Dell's installation guides, with podmon's driver-pod label.
    public static let dellDefaults = DriverPodSelection(labelSelector: "driver.dellemc.com=dell-storage", driverByNamespace: [
        "vxflexos": "csi-vxflexos.dellemc.com",
        "csi-powerstore": "csi-powerstore.dellemc.com",
        "powerstore": "csi-powerstore.dellemc.com",
        "isilon": "csi-isilon.dellemc.com",
        "powermax": "csi-powermax.dellemc.com",
        "unity": "csi-unity.dellemc.com",
    ])

    /// Parses `<namespace>=<driver>` entries (`watcher.driverPods.namespaces`).
    public init(labelSelector: String, namespaceEntries: [String]) throws(ConfigError) {
        var map: [String: String] = [:]
        for entry in namespaceEntries {
            let parts = entry.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ConfigError(key: "watcher.driverPods.namespaces",
                                  message: "invalid entry '\(entry)' in 'watcher.driverPods.namespaces': expected <namespace>=<CSI driver name>, e.g. vxflexos=csi-vxflexos.dellemc.com")
            }
            map[parts[0]] = parts[1]
        }
        self.init(labelSelector: labelSelector, driverByNamespace: map)
    }

    /// The entries as a flag value, sorted.
    public var renderedNamespaces: String {
        driverByNamespace.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// The driver a pod in `namespace` serves, if that namespace is listed.
    public func driver(inNamespace namespace: String?) -> String? {
        namespace.flatMap { driverByNamespace[$0] }
    }
}
