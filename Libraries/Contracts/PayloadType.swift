// Which protobuf message travels on which subject, so a generic tool (podguard-tap) can decode
// anything on the bus.

import SwiftProtobuf

/// Maps subject patterns of the contract (and of podguard's KeyValue buckets) to the message type
/// carried there.
public struct PayloadTypeRegistry: Sendable {
    /// One subject pattern and its payload.
    public struct Entry: Sendable {
        /// NATS subject pattern (`*` = one token, `>` = one or more trailing tokens).
        public let pattern: String
        /// The message published on matching subjects.
        public let messageType: any SwiftProtobuf.Message.Type
        /// For request/reply subjects: the reply message (which travels on an inbox subject).
        public let replyType: (any SwiftProtobuf.Message.Type)?
        /// Who publishes there (for the tap and docs).
        public let summary: String

        public init(pattern: String, messageType: any SwiftProtobuf.Message.Type,
                    replyType: (any SwiftProtobuf.Message.Type)? = nil, summary: String) {
            self.pattern = pattern
            self.messageType = messageType
            self.replyType = replyType
            self.summary = summary
        }
    }

    /// The registry of the default prefix.
    public static let standard = PayloadTypeRegistry()

    /// Entries, most specific first; the first match wins.
    public let entries: [Entry]

    /// The registry for `topology`'s prefix, streams and buckets.
    public init(topology: BusTopology = .standard) {
        let s = topology.subjects
        let root = s.root
        var entries: [Entry] = [
            Entry(pattern: "\(root).state.node.*", messageType: Podguard_V1_NodeState.self,
                  summary: "watcher: node snapshot"),
            Entry(pattern: "\(root).state.pod.*.*", messageType: Podguard_V1_PodState.self,
                  summary: "watcher: protected pod snapshot"),
            Entry(pattern: "\(root).connectivity.*.*", messageType: Podguard_V1_ArrayConnectivity.self,
                  summary: "array-prober: node-to-array connectivity"),
        ]
        for operation in AdapterOperation.allCases where operation.isControllerOperation {
            entries.append(Entry(
                pattern: "\(root).adapter.*.controller.\(operation.rawValue)",
                messageType: operation.requestType, replyType: operation.replyType,
                summary: "request to a controller-mode adapter"))
        }
        for operation in AdapterOperation.allCases where operation.isNodeOperation {
            entries.append(Entry(
                pattern: "\(root).adapter.*.node.*.\(operation.rawValue)",
                messageType: operation.requestType, replyType: operation.replyType,
                summary: "request to a node-mode adapter"))
        }
        entries += [
            Entry(pattern: "\(root).fence.request.*", messageType: Podguard_V1_FenceWork.self,
                  summary: "decision: remediation work, naming its FenceRecord (work queue)"),
            Entry(pattern: "\(root).taint.request.*", messageType: Podguard_V1_NodeTaintRequest.self,
                  summary: "decision: node taint request (work queue)"),
            Entry(pattern: "\(root).decision.*.*", messageType: Podguard_V1_DecisionRecord.self,
                  summary: "decision: why it acted or not"),
            Entry(pattern: "\(root).alert.*.*", messageType: Podguard_V1_Alert.self,
                  summary: "any service: alert"),
            Entry(pattern: "\(root).cleanup.*", messageType: Podguard_V1_CleanupReport.self,
                  summary: "node-cleanup: cleanup attempt report"),
            Entry(pattern: topology.nodesBucket.allKeysSubject, messageType: Podguard_V1_NodeState.self,
                  summary: "KeyValue: latest NodeState"),
            Entry(pattern: topology.podsBucket.allKeysSubject, messageType: Podguard_V1_PodState.self,
                  summary: "KeyValue: latest PodState"),
            Entry(pattern: topology.connectivityBucket.allKeysSubject,
                  messageType: Podguard_V1_ArrayConnectivity.self,
                  summary: "KeyValue: latest ArrayConnectivity"),
            Entry(pattern: topology.fencesBucket.allKeysSubject, messageType: Podguard_V1_FenceRecord.self,
                  summary: "KeyValue: FenceRecord per pod uid"),
            Entry(pattern: topology.proberBucket.allKeysSubject, messageType: Podguard_V1_ProberLease.self,
                  summary: "KeyValue: array-prober lease"),
        ]
        self.entries = entries
    }

    /// The entry whose pattern matches `subject`, if any.
    public func entry(forSubject subject: String) -> Entry? {
        entries.first { Self.matches(pattern: $0.pattern, subject: subject) }
    }

    /// The message type published on `subject`; nil if the subject is not part of the contract.
    public func messageType(forSubject subject: String) -> (any SwiftProtobuf.Message.Type)? {
        entry(forSubject: subject)?.messageType
    }

    /// The reply type of a request subject (adapter operations); nil for other subjects.
    public func replyType(forRequestSubject subject: String) -> (any SwiftProtobuf.Message.Type)? {
        entry(forSubject: subject)?.replyType
    }

    /// Decodes a payload published on `subject`; nil if the subject is unknown, throws if the payload
    /// does not decode as the registered type.
    public func decode(subject: String, payload: [UInt8]) throws -> (any SwiftProtobuf.Message)? {
        guard let type = messageType(forSubject: subject) else { return nil }
        return try type.init(serializedBytes: payload)
    }

    /// Every distinct message type of the registry (requests, replies and published messages).
    public var allMessageTypes: [any SwiftProtobuf.Message.Type] {
        var seen = Set<String>()
        var result: [any SwiftProtobuf.Message.Type] = []
        for entry in entries {
            for type in [entry.messageType] + (entry.replyType.map { [$0] } ?? [])
            where seen.insert(type.protoMessageName).inserted {
                result.append(type)
            }
        }
        return result
    }

    /// NATS subject matching: `*` matches exactly one token, `>` (last) one or more tokens.
    public static func matches(pattern: String, subject: String) -> Bool {
        let patternTokens = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let subjectTokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        for (index, token) in patternTokens.enumerated() {
            if token == ">" {
                return index == patternTokens.count - 1 && subjectTokens.count > index
            }
            guard index < subjectTokens.count, !subjectTokens[index].isEmpty else { return false }
            if token != "*" && token != subjectTokens[index] { return false }
        }
        return patternTokens.count == subjectTokens.count
    }
}
