/// podguard's multi-array rule, replacing the drivers' "last array checked wins": ask per array and
/// combine. Any array disconnected means not connected (for that array's volumes); I/O on any array
/// means I/O; a missing answer is never read as "disconnected" nor as "idle". Pure.
public enum ConnectivityCombiner {
    /// Combines the answers of per-array queries.
    public static func combine(_ answers: [ArrayAnswer]) -> HostConnectivityVerdict {
        let verdicts = answers.map(verdict)
        return HostConnectivityVerdict(
            connectivity: combine(verdicts.map(\.connectivity)),
            io: combine(verdicts.map(\.io)),
            arrays: verdicts)
    }

    /// One answer as a verdict for its array.
    public static func verdict(_ answer: ArrayAnswer) -> ArrayVerdict {
        let (connectivity, io): (Connectivity, IOActivity) = switch answer.outcome {
        case .answered(let connected, let ioInProgress):
            (connected ? .connected : .disconnected, ioInProgress ? .active : .idle)
        case .failed:
            (.unknown, .unknown)
        case .disconnectedByError:
            // podmon reads PowerFlex's "no corresponding SDC" as (false, false): an unmapped host
            // cannot be doing I/O to the array.
            (.disconnected, .idle)
        }
        var messages = answer.messages
        switch answer.outcome {
        case .failed(let message), .disconnectedByError(let message): messages.append(message)
        case .answered: break
        }
        return ArrayVerdict(arrayID: answer.query.arrayID, connectivity: connectivity, io: io, messages: messages)
    }

    /// Disconnected if any is; connected if all are (and there is at least one); unknown otherwise.
    public static func combine(_ values: [Connectivity]) -> Connectivity {
        if values.contains(.disconnected) { return .disconnected }
        if !values.isEmpty && values.allSatisfy({ $0 == .connected }) { return .connected }
        return .unknown
    }

    /// Active if any is; unknown if any is unknown (or there is none); idle otherwise.
    public static func combine(_ values: [IOActivity]) -> IOActivity {
        if values.contains(.active) { return .active }
        if values.isEmpty || values.contains(.unknown) { return .unknown }
        return .idle
    }
}
