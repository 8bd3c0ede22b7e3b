public import CSI

/// What the adapter knows about its driver's socket, as an explicit state machine fed by probe
/// outcomes (the periodic health probe and every bus Probe). Pure.
///
/// ```
/// starting ──answered──▶ up(ready, extension) ◀──answered── down(reason)
///     └──────failed─────▶ down(reason) ◀──────failed───────────┘
/// ```
/// Ready (for `/readyz`) only in `up` with the driver's Probe saying ready. Whether the podmon
/// extension is present is remembered across a failed extension probe (podmon decides it once for
/// its life; podguard re-learns it, but an inconclusive probe changes nothing). `warm` records that
/// a connectivity check has succeeded since the driver came up: until then the family's cold
/// deadline applies.
public struct CSIConnectionHealth: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        /// No probe has finished yet.
        case starting
        /// The driver answered CSI Probe.
        case up(ready: Bool)
        /// The socket is missing or the driver does not answer.
        case down(reason: String)
    }

    /// One probe of the driver.
    public enum ProbeOutcome: Sendable {
        /// CSI Probe answered; `extension` is the empty-ValidateVolumeHostConnectivity probe.
        case answered(ready: Bool, extension: ExtensionPresence)
        /// CSI Probe failed.
        case failed(CSIError)
    }

    public private(set) var state: State = .starting
    /// nil until an extension probe was conclusive.
    public private(set) var extensionPresent: Bool?
    public private(set) var warm = false

    public init() {}

    /// Applies a probe outcome; returns whether readiness changed, or this was the first outcome
    /// (so each change is logged once).
    @discardableResult
    public mutating func record(_ outcome: ProbeOutcome) -> Bool {
        let wasReady = isReady
        let wasStarting = state == .starting
        switch outcome {
        case .answered(let ready, let presence):
            if case .up = state {} else { warm = false }   // a (re)started driver has cold caches
            state = .up(ready: ready)
            switch presence {
            case .present: extensionPresent = true
            case .absent: extensionPresent = false
            case .unknown: break
            }
        case .failed(let error):
            state = .down(reason: "\(error)")
            warm = false
        }
        return wasReady != isReady || wasStarting
    }

    /// A connectivity check succeeded: the driver's caches are warm.
    public mutating func checked() {
        if case .up = state { warm = true }
    }

    public var isReady: Bool {
        if case .up(ready: true) = state { return true }
        return false
    }

    /// Why not ready (nil when ready).
    public var reason: String? {
        switch state {
        case .starting: "CSI driver not probed yet"
        case .up(ready: true): nil
        case .up(ready: false): "CSI driver says not ready"
        case .down(let reason): "CSI driver unreachable: \(reason)"
        }
    }
}
