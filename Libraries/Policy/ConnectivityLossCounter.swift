/// Array-connectivity loss detection for one (node, array) pair, as podmon's array monitor does it
/// (as podmon counts them): one sample per cycle; a "not connected" answer counts, a "connected" answer resets, an
/// error counts as neither ("assume connected", the count stays); loss is declared after
/// `threshold` consecutive failed samples.
public struct ConnectivityLossCounter: Sendable, Equatable {
    public enum Sample: Sendable, Equatable { case connected, disconnected, error }

    public let threshold: Int
    public private(set) var consecutiveFailures = 0

    public init(threshold: Int) {
        precondition(threshold > 0, "loss threshold must be positive")
        self.threshold = threshold
    }

    public var isLost: Bool { consecutiveFailures >= threshold }

    /// Records one sample; returns true when this sample changed the verdict.
    @discardableResult
    public mutating func record(_ sample: Sample) -> Bool {
        let wasLost = isLost
        switch sample {
        case .connected: consecutiveFailures = 0
        case .disconnected: consecutiveFailures += 1
        case .error: break
        }
        return wasLost != isLost
    }
}
