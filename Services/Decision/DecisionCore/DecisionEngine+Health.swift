import Contracts
import Foundation

/// What decision's gauges show (docs/operations.md): the pause, the open outages and whether the
/// storm limits hold a fence back. Read from the engine after each input, so the gauges follow the
/// engine's own state and never a second copy of it.
public struct DecisionHealth: Equatable, Sendable {
    public var paused: Bool
    /// Array families with an open outage, by their subject token ("powerflex").
    public var arrayOutages: Set<String>
    /// CSI drivers with an open driver outage.
    public var driverOutages: Set<String>
    /// At least one pod's fence is held back by `policy.storm.*`.
    public var stormLimited: Bool
}

extension DecisionEngine {
    public func health(at now: Date) -> DecisionHealth {
        DecisionHealth(
            paused: pause(at: now) != nil,
            arrayOutages: Set(arrayOutages.keys.map(PodguardSubjects.token)),
            driverOutages: Set(driverOutages.keys),
            stormLimited: lastOutcome.values.contains { $0.outcome == .withheldStormLimit })
    }
}
