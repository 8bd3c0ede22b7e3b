public import Contracts
public import Foundation
public import Policy
public import SwiftProtobuf

/// Turns the samples of one (family, node) pair into ArrayConnectivity, applying the loss threshold
/// per array (`ConnectivityLossCounter`). Seeded from the last published value, so a replica that
/// takes a pair over continues the count instead of restarting it.
public struct ConnectivityTracker: Sendable {
    public let target: ProbeTarget
    public let threshold: Int
    public let pollInterval: Duration
    private var counters: [String: ConnectivityLossCounter] = [:]
    private var previous: Podguard_V1_ArrayConnectivity?

    public init(target: ProbeTarget, threshold: Int, pollInterval: Duration, previous: Podguard_V1_ArrayConnectivity?) {
        self.target = target
        self.threshold = threshold
        self.pollInterval = pollInterval
        self.previous = previous
        if let previous, previous.nodeUid == target.nodeUID {
            for sample in previous.arrays {
                var counter = ConnectivityLossCounter(threshold: threshold)
                for _ in 0..<min(Int(sample.consecutiveFailures), threshold) { counter.record(.disconnected) }
                counters[sample.arrayID] = counter
            }
        }
    }

    /// What one probe gave.
    public enum Outcome: Sendable {
        case reply(Podguard_V1_ValidateHostConnectivityReply)
        /// No reply (timeout, no responders, transport error).
        case failed(String)
    }

    /// Records one cycle's outcome and returns the message to publish.
    public mutating func record(_ outcome: Outcome, cycle: UInt64, producer: Podguard_V1_Header, now: Date) -> Podguard_V1_ArrayConnectivity {
        var message = Podguard_V1_ArrayConnectivity()
        message.header = producer
        message.nodeName = target.node
        message.nodeUid = target.nodeUID
        message.family = target.family
        message.lossThreshold = UInt32(threshold)
        message.pollInterval = pollInterval.protobuf
        message.csiNodeID = target.csiNodeID
        message.cycle = cycle

        let previousSamples = Dictionary((previous?.arrays ?? []).map { ($0.arrayID, $0) }, uniquingKeysWith: { first, _ in first })
        var unknownOnly = false
        var results: [String: (Podguard_V1_Connectivity, Bool, [String])] = [:]
        var failure: String?
        switch outcome {
        case .failed(let text):
            failure = text
        case .reply(let reply):
            if reply.hasError {
                failure = "\(reply.error.kind): \(reply.error.message)"
                unknownOnly = reply.error.kind == .unimplemented
            } else if reply.arrays.isEmpty {
                // The driver answered for the node as a whole (podmon's "default" array).
                results["default"] = (reply.connectivity, reply.ioInProgress, reply.messages)
            } else {
                for array in reply.arrays { results[array.arrayID] = (array.connectivity, array.ioInProgress, array.messages) }
            }
            if !reply.hasError && !reply.extensionPresent && results.values.allSatisfy({ $0.0 == .unknown }) { unknownOnly = true }
        }

        let arrayIDs = Set(target.arrayIDs).union(results.keys).union(counters.keys)
        let ids = arrayIDs.isEmpty ? ["default"] : arrayIDs.sorted()
        for id in ids {
            var counter = counters[id] ?? ConnectivityLossCounter(threshold: threshold)
            var sample = previousSamples[id] ?? Podguard_V1_ArraySample()
            sample.arrayID = id
            sample.lastSampleAt = Google_Protobuf_Timestamp(date: now)
            if let (connectivity, io, messages) = results[id] {
                switch connectivity {
                case .connected:
                    counter.record(.connected)
                    sample.lastConnectedAt = Google_Protobuf_Timestamp(date: now)
                case .disconnected:
                    counter.record(.disconnected)
                default:
                    counter.record(.error)
                }
                sample.connectivity = connectivity
                sample.ioInProgress = io
                sample.messages = messages
                sample.lastError = ""
            } else {
                // An error, or this array was not in the answer: "assume connected", count nothing.
                counter.record(.error)
                sample.lastError = failure ?? "array not in the adapter's answer"
                sample.ioInProgress = false
            }
            sample.consecutiveFailures = UInt32(counter.consecutiveFailures)
            counters[id] = counter
            message.arrays.append(sample)
        }

        if counters.values.contains(where: \.isLost) {
            message.verdict = .lost
            message.lostSince = previous?.verdict == .lost ? previous!.lostSince : Google_Protobuf_Timestamp(date: now)
        } else {
            message.verdict = unknownOnly ? .unknown : .connected
        }
        previous = message
        return message
    }
}
