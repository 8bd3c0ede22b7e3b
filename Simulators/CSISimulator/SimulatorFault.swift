/// A fault to inject into a running simulator.
public enum SimulatorFault: Sendable, Hashable {
    /// The host's path to the array goes down (or comes back).
    case path(host: String, array: String, down: Bool)
    /// The volume shows I/O (or stops).
    case io(volume: String, active: Bool)
    /// The next `count` calls of `method` (e.g. "ControllerUnpublishVolume") fail with an error
    /// ending in "pending".
    case pending(method: String, count: Int)
    /// Every call of `method` (nil: every method) waits this long first.
    case latency(method: String?, delay: Duration)
}
