public import ArrayFamily
public import Contracts
public import CSI

/// The answer of one per-array podmon call.
public struct QueryResult: Sendable {
    public var query: ConnectivityQuery
    public var result: Result<HostConnectivityReply, CSIError>

    public init(query: ConnectivityQuery, result: Result<HostConnectivityReply, CSIError>) {
        self.query = query
        self.result = result
    }
}

/// Per-array podmon answers → the contract's ValidateHostConnectivityReply. Pure.
///
/// Arrays are combined with `ConnectivityCombiner` (any disconnected → DISCONNECTED, connected only
/// if all are, I/O on any → I/O), never "last array checked wins". The family's
/// `errorMeansDisconnected` turns PowerFlex's "no corresponding SDC" into an answer. An I/O state
/// that is not known counts as I/O, as podmon's `(true, true, err)` on a failed check. Only when no
/// array answered at all does the reply carry an error (the first failure, typed).
public enum ConnectivityReplyBuilder {
    public static func reply(family: any ArrayFamily, results: [QueryResult],
                             hints: AdapterErrorMapping.RetryHints) -> Podguard_V1_ValidateHostConnectivityReply {
        guard !results.isEmpty else { return noExtension(family: family) }
        let answers = results.map { result -> ArrayAnswer in
            switch result.result {
            case .success(let reply):
                ArrayAnswer(query: result.query,
                            outcome: .answered(connected: reply.connected, ioInProgress: reply.iosInProgress),
                            messages: reply.messages)
            case .failure(let error):
                ArrayAnswer(query: result.query,
                            outcome: family.errorMeansDisconnected(error.message)
                                ? .disconnectedByError(error.message) : .failed("\(error)"))
            }
        }
        let verdict = ConnectivityCombiner.combine(answers)
        var reply = Podguard_V1_ValidateHostConnectivityReply()
        reply.connectivity = contract(verdict.connectivity)
        reply.ioInProgress = verdict.io != .idle
        reply.arrays = verdict.arrays.map { array in
            var result = Podguard_V1_ArrayConnectivityResult()
            result.arrayID = array.arrayID ?? "default"
            result.connectivity = contract(array.connectivity)
            result.ioInProgress = array.io != .idle
            result.messages = array.messages
            return result
        }
        let failures: [CSIError] = answers.indices.compactMap { index in
            guard case .failed = answers[index].outcome, case .failure(let error) = results[index].result else { return nil }
            return error
        }
        reply.extensionPresent = !(failures.count == results.count && failures.allSatisfy { $0.kind == .unimplemented })
        if failures.count == results.count, let first = failures.first {
            reply.error = AdapterErrorMapping.from(first, hints: hints)
            reply.connectivity = .unknown
        }
        return reply
    }

    /// A driver without the podmon extension (the generic adapter): nothing can be asked, so the
    /// answer is UNKNOWN without an error and the policy relies on Kubernetes signals alone.
    public static func noExtension(family: any ArrayFamily) -> Podguard_V1_ValidateHostConnectivityReply {
        var reply = Podguard_V1_ValidateHostConnectivityReply()
        reply.connectivity = .unknown
        reply.extensionPresent = false
        reply.messages = ["\(family.csiDriverName) has no podmon ValidateVolumeHostConnectivity: connectivity unknown"]
        return reply
    }

    public static func contract(_ connectivity: Connectivity) -> Podguard_V1_Connectivity {
        switch connectivity {
        case .unknown: .unknown
        case .connected: .connected
        case .disconnected: .disconnected
        }
    }
}
