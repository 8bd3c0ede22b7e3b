/// The state machine of a resuming watch (pure; ``KubeClient/watch(_:namespace:options:)`` drives it).
///
/// ```
/// connecting ──connected──▶ streaming ──event──▶ streaming (resourceVersion advances)
///     ▲   │                     │
///     │   │ transient failure   │ clean end (server timeout) ─▶ connecting (same RV, at once)
///     │   ▼                     │ broken connection ──────────▶ backingOff
///  backingOff ◀─────────────────┘
///  any 410 Gone ─▶ expired (terminal: the caller must relist)
///  any other error, or too many attempts ─▶ failed (terminal)
/// ```
public enum WatchStreamState: Sendable, Hashable {
    case connecting(resourceVersion: String?, attempt: Int)
    case streaming(resourceVersion: String?)
    case backingOff(resourceVersion: String?, attempt: Int)
    case expired
    case failed(String)

    /// What the driver must do next.
    public enum Action: Sendable, Hashable {
        case connect(resourceVersion: String?)
        case wait(Duration)
        case relist
        case fail
    }

    public var resourceVersion: String? {
        switch self {
        case .connecting(let rv, _), .streaming(let rv), .backingOff(let rv, _): return rv
        case .expired, .failed: return nil
        }
    }

    public init(resourceVersion: String?) {
        self = .connecting(resourceVersion: resourceVersion, attempt: 0)
    }

    public mutating func connected() {
        guard case .connecting(let rv, _) = self else { return }
        self = .streaming(resourceVersion: rv)
    }

    /// An event (or bookmark) arrived.
    public mutating func received(resourceVersion: String?) {
        guard case .streaming(let rv) = self else { return }
        if let resourceVersion, !resourceVersion.isEmpty {
            self = .streaming(resourceVersion: resourceVersion)
        } else {
            self = .streaming(resourceVersion: rv)
        }
    }

    /// The connection ended (`error == nil`: cleanly) or could not be opened.
    public mutating func ended(error: (any Error)?, backoff: Backoff, maxAttempts: Int, unit: Double = Double.random(in: 0...1)) -> Action {
        let (rv, attempt): (String?, Int)
        switch self {
        case .streaming(let current): (rv, attempt) = (current, 0)
        case .connecting(let current, let tries): (rv, attempt) = (current, tries)
        case .backingOff(let current, let tries): (rv, attempt) = (current, tries)
        case .expired: return .relist
        case .failed: return .fail
        }
        guard let error else {
            self = .connecting(resourceVersion: rv, attempt: 0)
            return .connect(resourceVersion: rv)
        }
        if let kubeError = error as? KubeError {
            switch kubeError {
            case .gone:
                self = .expired
                return .relist
            case .server, .tooManyRequests, .transport, .timeout:
                break
            default:
                self = .failed("\(kubeError)")
                return .fail
            }
        } else if !(error is KubeTransportError) {
            self = .failed("\(error)")
            return .fail
        }
        guard attempt + 1 < maxAttempts else {
            self = .failed("\(error) (after \(attempt + 1) attempts)")
            return .fail
        }
        self = .backingOff(resourceVersion: rv, attempt: attempt + 1)
        return .wait(backoff.delay(attempt: attempt, unit: unit))
    }

    /// The backoff delay is over: connect again.
    public mutating func backoffElapsed() -> Action {
        guard case .backingOff(let rv, let attempt) = self else { return .fail }
        self = .connecting(resourceVersion: rv, attempt: attempt)
        return .connect(resourceVersion: rv)
    }
}
