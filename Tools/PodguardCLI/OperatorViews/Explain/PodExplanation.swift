import SwiftProtobuf
import Foundation
/// `podguard explain <namespace>/<pod>`: what podguard saw and did about one pod, in order, in
/// plain words: its DecisionRecords, its FenceRecords' phases, the node remediation its fence
/// waited for, the replacement and the cleanup.
public struct PodExplanation: OperatorView, Equatable {
    public var pod: String
    /// The pod as the watcher last saw it; nil when it is gone (or not protected).
    public var current: CurrentPod?
    public var timeline: [Entry]
    /// One line: how it ended, or where it stands.
    public var outcome: String

    public struct CurrentPod: Codable, Equatable, Sendable {
        public var uid: String
        public var node: String
        public var phase: String
        public var ready: String
    }

    public struct Entry: Encodable, Equatable, Sendable {
        public var at: String
        /// Who acted or saw it: "trigger", "decision", "fencing", "node remediation", "replacement", "cleanup".
        public var source: String
        public var text: String
        /// Why, in the producer's words (a decision's explanation, an abort's message); optional.
        public var detail: String?
        /// Display time (the view's time zone); not part of JSON/YAML.
        var clock: String

        enum CodingKeys: String, CodingKey { case at, source, text, detail }

        public init(at: String, source: String, text: String, detail: String? = nil, clock: String) {
            self.at = at
            self.source = source
            self.text = text
            self.detail = detail
            self.clock = clock
        }
    }

    public var text: String {
        var out = "pod \(pod)"
        if let current {
            out += ": on node \(current.node), \(current.phase), Ready \(current.ready) (uid \(current.uid))"
        } else {
            out += ": not on the bus now (deleted, or no longer protected)"
        }
        out += "\n\n"
        if timeline.isEmpty { out += "  no decision or remediation recorded (DecisionRecords are kept 24 h)\n" }
        for entry in timeline {
            out += "\(entry.clock) \(entry.source): \(entry.text)\n"
            if let detail = entry.detail, !detail.isEmpty {
                out += String(repeating: " ", count: entry.clock.count + 1) + "why: \(detail)\n"
            }
        }
        out += "\noutcome: \(outcome)\n"
        return out
    }
}
