public import Contracts
public import Policy

/// fencing's re-check of the rule behind a NodeTaintRequest before it taints or untaints, against
/// the live node, the driver's node pods read live and the array-prober's current verdict: decision
/// only asks, and anyone on the bus could ask. Mirrors `NodeTaintPolicy`. Pure.
///
/// - The driver-offline taint is added only while a driver node pod of that driver exists on the
///   node and none of them is Ready, by the kubelet's own report; removed only when one is Ready again.
/// - The podguard taint is added only while the array-prober's current verdict for the node is LOST
///   in a family of that driver; a request never removes it (node-cleanup does, after cleaning).
/// - Any other key is not podguard's to set.
public enum TaintRequestCheck {
    public enum Verdict: Sendable, Hashable {
        case allowed(String)
        case refused(String)
    }

    /// What fencing found out for the request.
    public struct Evidence: Sendable, Hashable {
        /// Live readiness of each driver node pod of the taint's driver found on the node.
        public var driverPodsReady: [Bool]
        /// The live node's kubelet reports (Ready), and every not-Ready driver pod above was reported
        /// so by it (its Ready condition has a reason), not marked by the node controller.
        public var reportedByKubelet: Bool
        /// Families of the taint's driver whose current verdict for this node (uid) is LOST.
        public var lostFamilies: [Podguard_V1_ArrayFamily]

        public init(driverPodsReady: [Bool] = [], reportedByKubelet: Bool = true, lostFamilies: [Podguard_V1_ArrayFamily] = []) {
            self.driverPodsReady = driverPodsReady
            self.reportedByKubelet = reportedByKubelet
            self.lostFamilies = lostFamilies
        }
    }

    /// The CSI driver whose taint `key` is, and which kind.
    public enum Kind: Sendable, Hashable {
        case driverOffline(driver: String)
        case podguard(driver: String)
        case foreign
    }

    public static func kind(of key: String, taintKeys: TaintKeys) -> Kind {
        if let driver = taintKeys.driverOffline.first(where: { $0.value == key })?.key { return .driverOffline(driver: driver) }
        if let driver = taintKeys.podguard.first(where: { $0.value == key })?.key { return .podguard(driver: driver) }
        return .foreign
    }

    public static func evaluate(_ request: Podguard_V1_NodeTaintRequest, evidence: Evidence, taintKeys: TaintKeys) -> Verdict {
        let key = request.taint.key
        let node = request.nodeName
        switch (kind(of: key, taintKeys: taintKeys), request.action) {
        case (.driverOffline(let driver), .add):
            guard !evidence.driverPodsReady.isEmpty else {
                return .refused("no node pod of \(driver) found on \(node): nothing shows the driver down")
            }
            guard !evidence.driverPodsReady.contains(true) else {
                return .refused("a node pod of \(driver) on \(node) is Ready")
            }
            guard evidence.reportedByKubelet else {
                return .refused("\(node)'s kubelet does not report it: the node controller's not-Ready mark says nothing about \(driver)")
            }
            return .allowed("the node pod of \(driver) on \(node) is not Ready")
        case (.driverOffline(let driver), .remove):
            guard evidence.driverPodsReady.contains(true) else {
                return .refused("no Ready node pod of \(driver) on \(node)")
            }
            return .allowed("a node pod of \(driver) on \(node) is Ready again")
        case (.podguard(let driver), .add):
            guard let family = evidence.lostFamilies.first else {
                return .refused("the array-prober's current verdict for \(node) is not LOST for \(driver)'s arrays")
            }
            return .allowed("array connectivity of \(node) to \(PodguardSubjects.token(family)) arrays is declared lost")
        case (.podguard, _):
            return .refused("a podguard taint is removed only by node-cleanup, once the node is clean")
        case (.foreign, _):
            return .refused("\(key) is not a taint podguard sets")
        case (_, .unspecified), (_, .UNRECOGNIZED):
            return .refused("action is neither ADD nor REMOVE")
        }
    }
}
