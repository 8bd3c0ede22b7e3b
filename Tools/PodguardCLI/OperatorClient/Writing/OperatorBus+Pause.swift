import SwiftProtobuf
import Bus
import Contracts
import Foundation
public import OperatorViews

extension OperatorBus {
    /// Writes the pause switch (as the administrator: the observer may not) and returns the
    /// record written with its revision. decision honours it at once.
    public func write(_ change: PauseChange, version: String, now: Date = Date()) async throws -> (Podguard_V1_PauseSwitch, UInt64) {
        if let problem = change.problem { throw OperatorError.refused(problem) }
        let by: String = switch change {
        case .pause(_, let by, _), .resume(let by): by
        }
        let record = change.record(producerID: "podguard-cli/\(by)", version: version, now: now)
        let control = try await bucket(topology.controlBucket)
        do {
            let revision = try await control.put(PodguardKeys.pause, message: record)
            return (record, revision)
        } catch {
            throw OperatorError.bus("writing the pause switch to \(topology.controlBucket.name) as \(principal.role) failed: \(error)"
                                    + " (the pause needs the administrator user: PODGUARD_NATS_ADMIN_PASSWORD, or --bus.user <prefix>-admin)")
        }
    }
}
