import SwiftProtobuf
public import Contracts
public import Foundation

/// A change of the pause switch, as `podguard pause` / `resume` write it (key `pause` of the
/// control bucket; decision reads it as `PauseState`).
public enum PauseChange: Sendable, Equatable {
    /// Switch on; `expiresAfter` nil = until resumed.
    case pause(reason: String, by: String, expiresAfter: Duration?)
    case resume(by: String)

    /// The longest pause the CLI writes: a forgotten pause must not silence podguard for ever
    /// by a typo ("30d" for "30m"). Without an expiry it lasts until resumed, on purpose.
    public static let longestExpiry: Duration = .seconds(30 * 24 * 3600)

    /// Why the change is refused; nil when it may be written.
    public var problem: String? {
        guard case .pause(let reason, _, let expiresAfter) = self else { return nil }
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return "a pause needs a reason (--reason \"PowerMax microcode upgrade, CHG-1234\"): it is copied into every withheld decision and alert"
        }
        if reason.contains(where: \.isNewline) { return "the reason must be one line" }
        if let expiresAfter {
            if expiresAfter <= .zero { return "--for must be a positive duration, e.g. 2h or 90m" }
            if expiresAfter > Self.longestExpiry { return "--for is longer than 30 days; leave it out to pause until `podguard resume`" }
        }
        return nil
    }

    /// The switch to write, stamped with `producerID` and `now`.
    public func record(producerID: String, version: String, now: Date) -> Podguard_V1_PauseSwitch {
        var record = Podguard_V1_PauseSwitch()
        record.header.producerID = producerID
        record.header.producerVersion = version
        record.header.producedAt = Google_Protobuf_Timestamp(date: now)
        switch self {
        case .pause(let reason, let by, let expiresAfter):
            record.paused = true
            record.reason = reason.trimmingCharacters(in: .whitespaces)
            record.by = by
            if let expiresAfter {
                let (seconds, attoseconds) = expiresAfter.components
                record.expiresAt = Google_Protobuf_Timestamp(date: now.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18))
            }
        case .resume(let by):
            record.paused = false
            record.by = by
        }
        return record
    }
}
