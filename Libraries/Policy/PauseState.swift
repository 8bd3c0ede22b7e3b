import Contracts
import Foundation
import SwiftProtobuf

/// The pause switch as decision honours it: on until switched off or until it expires. Pure.
public struct PauseState: Sendable, Equatable {
    public var reason: String
    public var by: String
    public var expiresAt: Date?
    /// When the switch was written (its header time): identifies this pause, across replicas.
    public var since: Date

    /// The pause in force at `now`, or nil: switched off, never set, or expired.
    public static func active(_ value: Podguard_V1_PauseSwitch?, at now: Date) -> PauseState? {
        guard let value, value.paused else { return nil }
        let expiry = value.hasExpiresAt ? value.expiresAt.date : nil
        if let expiry, expiry <= now { return nil }
        return PauseState(reason: value.reason, by: value.by, expiresAt: expiry, since: value.header.producedAt.date)
    }

    /// "paused by alice (PowerMax upgrade) until 2026-12-06T14:00:00Z".
    public var summary: String {
        var text = "paused by \(by.isEmpty ? "an operator" : by)"
        if !reason.isEmpty { text += " (\(reason))" }
        if let expiresAt { text += " until \(ISO8601DateFormatter().string(from: expiresAt))" }
        return text
    }
}
