import Contracts
import FamilyCatalog
import Foundation
import Kube
import SwiftProtobuf

/// Turns cached Kubernetes objects into the bus contract's NodeState and PodState. Pure: the same
/// objects, lookups and time give the same messages, so every mapping is table-tested.
public struct StateProjector: MessageProducer, Sendable {
    public var families: FamilyRegistry
    public var driverPods: DriverPodSelection
    /// Label key of protected pods; its value is copied into `protection_label_value`.
    public var labelKey: String
    /// Node labels copied into NodeState.
    public var nodeLabels: [String]
    /// `Header.producer_id`, e.g. `watcher/watcher-7c9f`.
    public var producerID: String
    public var version: String

    public init(families: FamilyRegistry = FamilyRegistry(), driverPods: DriverPodSelection = .dellDefaults,
                labelKey: String = "podmon.dellemc.com/driver", nodeLabels: [String] = WatcherSettings.defaultNodeLabels,
                producerID: String, version: String) {
        self.families = families
        self.driverPods = driverPods
        self.labelKey = labelKey
        self.nodeLabels = nodeLabels
        self.producerID = producerID
        self.version = version
    }

    public init(settings: WatcherSettings, version: String) {
        self.init(families: FamilyRegistry(genericDrivers: settings.genericDrivers), driverPods: settings.driverPods,
                  labelKey: settings.labelKey, nodeLabels: settings.nodeLabels, producerID: "watcher/\(settings.identity)",
                  version: version)
    }

    static func timestamp(_ date: Date?) -> Google_Protobuf_Timestamp? {
        date.map { Google_Protobuf_Timestamp(date: $0) }
    }
}
