import Foundation

/// The ladders a cluster is configured with: the cluster's own, and named ones a node picks with a
/// label. fencing climbs the one a node picks; decision names it in its DecisionRecords (and dry
/// runs), so both read the same configuration (`remediation.ladder`, `remediation.ladders`,
/// `remediation.ladderLabel`) through this one type.
public struct RemediationLadders: Sendable, Hashable {
    public var cluster: RemediationLadder
    public var named: [String: RemediationLadder]
    /// The node label whose value names one of `named`.
    public var label: String

    public static let defaultLabel = "podguard.io/remediation-ladder"

    public init(cluster: RemediationLadder = .storageOnly, named: [String: RemediationLadder] = [:], label: String = Self.defaultLabel) {
        self.cluster = cluster
        self.named = named
        self.label = label
    }

    /// Does any ladder go beyond the storage fence? Only then do pod remediations wait for a node's proof.
    public var beyondStorage: Bool {
        !cluster.beyondStorage.rungs.isEmpty || named.values.contains { !$0.beyondStorage.rungs.isEmpty }
    }

    /// The ladder a node climbs.
    public struct Selection: Sendable, Hashable, CustomStringConvertible {
        /// "default" for the cluster's, else the label's value.
        public var name: String
        public var ladder: RemediationLadder
        /// The label's value when it names no configured ladder (the cluster's is used).
        public var unknownLabel: String?

        /// "storage:5m fence-agent:3m (ladder bare-metal)"; an unknown label is said.
        public var description: String {
            if let unknownLabel { return "\(ladder.text) (cluster ladder: no ladder named '\(unknownLabel)')" }
            return name == "default" ? "\(ladder.text) (cluster ladder)" : "\(ladder.text) (ladder \(name))"
        }
    }

    /// The ladder a node climbs: the one its label names, else the cluster's. A label naming no
    /// configured ladder gets the cluster's (and says so).
    public func ladder(nodeLabels: [String: String]) -> Selection {
        guard let wanted = nodeLabels[label] else { return Selection(name: "default", ladder: cluster) }
        guard let ladder = named[wanted] else { return Selection(name: "default", ladder: cluster, unknownLabel: wanted) }
        return Selection(name: wanted, ladder: ladder)
    }

    /// Why the configured ladders cannot be read: which text, and what is wrong with it.
    public struct Problem: Error, Sendable, Hashable {
        /// The cluster's ladder, or one of the named ones.
        public var which: Which
        public var description: String

        public enum Which: Sendable, Hashable {
            case cluster
            case named
        }
    }

    /// Reads the cluster's ladder and the named ones (`<name>=<ladder>` each).
    public static func parse(cluster: String, named entries: [String], label: String,
                             duration: (String) -> Duration?) throws(Problem) -> RemediationLadders {
        let clusterLadder: RemediationLadder
        do {
            clusterLadder = try RemediationLadder.parse(cluster, duration: duration)
        } catch {
            throw Problem(which: .cluster, description: "invalid ladder '\(cluster)': \(error.description)")
        }
        var named: [String: RemediationLadder] = [:]
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw Problem(which: .named, description: "invalid value '\(entry)': expected <name>=<ladder>")
            }
            do {
                named[parts[0]] = try RemediationLadder.parse(parts[1], duration: duration)
            } catch {
                throw Problem(which: .named, description: "invalid ladder '\(parts[1])' for '\(parts[0])': \(error.description)")
            }
        }
        return RemediationLadders(cluster: clusterLadder, named: named, label: label)
    }
}
