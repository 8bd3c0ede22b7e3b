public import Contracts
public import Foundation
import SwiftProtobuf

/// How one Alert changes one condition's record (bucket `podguard-alert-firing`, which holds
/// the last opener or closer of each condition). Pure: the service reads the record, asks here,
/// then writes by compare-and-set and posts to Alertmanager in the order given, so a relay killed
/// in between repeats the step and never leaves a condition firing after its end.
public enum ConditionLedger {
    /// What to do for an Alert that opens `condition`.
    public enum OpenStep: Equatable, Sendable {
        /// Record the opener (first, so a redelivery finds it), then post it firing.
        case recordThenFire
        /// Already recorded (a redelivery): post it firing again; Alertmanager keeps one alert.
        case fire
        /// A newer closer or opener is recorded: this one is history. Post it resolved, so
        /// Alertmanager shows that it happened and ended.
        case postResolved
    }

    /// What to do for an Alert that closes `condition`.
    public enum CloseStep: Equatable, Sendable {
        /// Post the recorded opener resolved (first, so a relay killed here resolves it on the
        /// redelivery), then record the closer.
        case resolveThenRecord(opener: Podguard_V1_Alert)
        /// Nothing open: record the closer, so an opener delivered late is known to be over.
        case record
        /// A newer opener or closer is recorded (this closer is late): nothing.
        case nothing
    }

    public static func open(_ opener: Podguard_V1_Alert, recorded: Podguard_V1_Alert?) -> OpenStep {
        guard let recorded else { return .recordThenFire }
        if recorded.alertID == opener.alertID { return isOpener(recorded) ? .fire : .postResolved }
        return isNewer(opener, than: recorded) ? .recordThenFire : .postResolved
    }

    public static func close(_ closer: Podguard_V1_Alert, recorded: Podguard_V1_Alert?) -> CloseStep {
        guard let recorded else { return .record }
        if recorded.alertID == closer.alertID { return .nothing }
        guard isNewer(closer, than: recorded) else { return .nothing }
        return isOpener(recorded) ? .resolveThenRecord(opener: recorded) : .record
    }

    /// Whether the recorded Alert holds its condition open.
    public static func isOpener(_ alert: Podguard_V1_Alert) -> Bool {
        AlertLifecycle.of(alert).opens != nil
    }

    /// Later by production time; the same instant counts as later for the incoming Alert (a
    /// closer produced in the same instant as its opener ends it).
    static func isNewer(_ incoming: Podguard_V1_Alert, than recorded: Podguard_V1_Alert) -> Bool {
        incoming.header.producedAt.date >= recorded.header.producedAt.date
    }
}
