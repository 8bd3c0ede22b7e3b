import Contracts
import Foundation

/// Tells an outage of an array (or of a CSI driver) from failures of nodes. When the array-prober
/// declares connectivity to one array family lost from many nodes whose kubelets are all fine, or
/// a driver's node pods go down on many such nodes, the fault is the array's or the driver's:
/// tainting and fencing those nodes would evacuate healthy nodes onto nodes without a path, in a
/// loop (seen: 116 pods force-deleted for 8 workloads in a 90 s PowerFlex outage). Then the
/// breaker opens: no taint and no fence for that family or driver while it lasts. Pure.
///
/// The rule is Node Healthcheck's `minHealthy` turned around: podguard acts on a family's nodes
/// only while more than `minHealthy` of them are healthy. A node counts as affected when it is
/// Ready (its kubelet reports) and yet lost the array or its driver pod; nodes that are down
/// themselves are node failures, which the storm limits bound. The breaker opens when more than
/// `1 - minHealthy` of the family's nodes are affected, at least `minAffectedNodes` of them, and
/// those losses began within `window` (an outage strikes at once; losses spread over hours are
/// node problems); it closes when no longer more than that share is affected.
public enum OutageBreaker {
    public struct Limits: Sendable, Equatable {
        /// Node Healthcheck's `minHealthy` (51 %): act while more than this share of the nodes is healthy.
        public var minHealthy: Double
        /// Fewer affected nodes than this are never an outage (a single node's loss is its own).
        public var minAffectedNodes: Int
        /// The losses that open the breaker began within this long of each other.
        public var window: Duration

        public init(minHealthy: Double = 0.51, minAffectedNodes: Int = 2, window: Duration = .seconds(300)) {
            self.minHealthy = minHealthy
            self.minAffectedNodes = minAffectedNodes
            self.window = window
        }
    }

    /// One node that lost the array (or its driver pod) while Ready, and since when.
    public struct AffectedNode: Sendable, Hashable {
        public var name: String
        public var since: Date

        public init(name: String, since: Date) {
            self.name = name
            self.since = since
        }
    }

    /// Whether the breaker is open after this evaluation.
    /// - Parameters:
    ///   - wasOpen: it was open before.
    ///   - affected: the Ready nodes that lost the array (or driver) now.
    ///   - population: the nodes that use the array (or run the driver).
    public static func isOpen(wasOpen: Bool, affected: [AffectedNode], population: Int, limits: Limits) -> Bool {
        guard population > 0, affected.count >= limits.minAffectedNodes else { return false }
        let tooMany = Double(affected.count) > Double(population) * (1 - limits.minHealthy)
        guard tooMany else { return false }
        if wasOpen { return true }
        // Opening: enough of the losses began together. The most recent ones are the candidates.
        let starts = affected.map(\.since).sorted()
        guard let latest = starts.last else { return false }
        let together = starts.filter { latest.timeIntervalSince($0) <= limits.window.seconds }.count
        return together >= limits.minAffectedNodes && Double(together) > Double(population) * (1 - limits.minHealthy)
    }
}
