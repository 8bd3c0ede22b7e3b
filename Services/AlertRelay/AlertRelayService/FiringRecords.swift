import AlertRelayCore
import Bus
import Contracts
import Foundation
import SwiftProtobuf

/// The one writer of bucket `podguard-alert-firing`: what Alertmanager must keep firing, since it
/// holds alerts in memory only. Each condition's last opener or closer, changed only by
/// compare-and-set in the order `ConditionLedger` gives (replicas working on an opener and its
/// closer at once agree; a relay killed halfway repeats its step), and each event until its end.
struct FiringRecords: Sendable {
    let store: KeyValueStore
    /// How long an event fires after its first delivery (`AlertmanagerMapping.eventDuration`).
    let eventDuration: Duration

    /// What fires now: open conditions with their openers, events with their first delivery.
    enum Firing {
        case condition(AlertCondition, opener: Podguard_V1_Alert)
        case event(Podguard_V1_Alert, deliveredAt: Date)
    }

    static func key(_ condition: AlertCondition) -> String {
        "\(condition.kind.rawValue).\(KeyDigest.of(condition.subject))"
    }

    static func eventKey(_ alert: Podguard_V1_Alert) -> String {
        "event.\(KeyDigest.of(alert.alertID))"
    }

    /// Records the event (once: a redelivery finds it) and returns its first delivery.
    func recordEvent(_ alert: Podguard_V1_Alert, now: Date) async throws -> Date {
        let key = Self.eventKey(alert)
        if let entry = try await store.get(key, as: Podguard_V1_Alert.self) { return entry.storedAt }
        do {
            _ = try await store.create(key, message: alert)
        } catch BusError.keyExists {
            // Another replica recorded it first; its time stands.
        }
        return try await store.get(key, as: Podguard_V1_Alert.self)?.storedAt ?? now
    }

    /// Opens `condition` with `opener`; `post` sends the opener to Alertmanager, firing or resolved.
    func open(_ condition: AlertCondition, with opener: Podguard_V1_Alert,
              post: (_ firing: Bool) async throws -> Void) async throws {
        let key = Self.key(condition)
        for _ in 0..<Self.attempts {
            let recorded = try await store.get(key, as: Podguard_V1_Alert.self)
            switch ConditionLedger.open(opener, recorded: recorded?.value) {
            case .recordThenFire:
                guard try await store.write(opener, key: key, over: recorded?.revision) else { continue }
                try await post(true)
            case .fire:
                try await post(true)
            case .postResolved:
                try await post(false)
            }
            return
        }
        throw BusError.invalidArgument("condition \(condition): too many concurrent writers")
    }

    /// Closes `condition` with `closer`; `resolve` sends the recorded opener to Alertmanager resolved.
    func close(_ condition: AlertCondition, with closer: Podguard_V1_Alert,
               resolve: (_ opener: Podguard_V1_Alert) async throws -> Void) async throws {
        let key = Self.key(condition)
        for _ in 0..<Self.attempts {
            let recorded = try await store.get(key, as: Podguard_V1_Alert.self)
            switch ConditionLedger.close(closer, recorded: recorded?.value) {
            case .resolveThenRecord(let opener):
                try await resolve(opener)
                guard try await store.write(closer, key: key, over: recorded?.revision) else { continue }
            case .record:
                guard try await store.write(closer, key: key, over: recorded?.revision) else { continue }
            case .nothing:
                break
            }
            return
        }
        throw BusError.invalidArgument("condition \(condition): too many concurrent writers")
    }

    /// Everything firing: open conditions and events not yet ended. Ended events are deleted here
    /// (by whichever replica re-posts first; a delete of a deleted key is harmless).
    func firing(now: Date) async throws -> [Firing] {
        var result: [Firing] = []
        for key in try await store.keys() {
            guard let entry = try? await store.get(key, as: Podguard_V1_Alert.self) else { continue }
            if key.hasPrefix("event.") {
                if entry.storedAt.addingTimeInterval(eventDuration.seconds) < now {
                    try? await store.delete(key)
                } else {
                    result.append(.event(entry.value, deliveredAt: entry.storedAt))
                }
            } else if let condition = AlertLifecycle.of(entry.value).opens {
                result.append(.condition(condition, opener: entry.value))
            }
        }
        return result
    }

    static let attempts = 8
}

/// The one writer of bucket `podguard-alert-deliveries`: which receivers took each Alert.
struct DeliveryRecords: Sendable {
    let store: KeyValueStore
    let producerID: String

    static func key(alertID: String) -> String { KeyDigest.of(alertID) }

    func read(alertID: String) async throws -> Podguard_V1_AlertDelivery? {
        try await store.get(Self.key(alertID: alertID), as: Podguard_V1_AlertDelivery.self)?.value
    }

    /// Adds receivers to the record of `alertID` (compare-and-set; concurrent additions all stay).
    func add(alertID: String, deliveredTo: [String] = [], skippedBy: [String] = [], now: Date) async throws {
        let key = Self.key(alertID: alertID)
        for _ in 0..<FiringRecords.attempts {
            let entry = try await store.get(key, as: Podguard_V1_AlertDelivery.self)
            var record = entry?.value ?? Podguard_V1_AlertDelivery()
            record.alertID = alertID
            record.deliveredTo = Self.merged(record.deliveredTo, deliveredTo)
            record.skippedBy = Self.merged(record.skippedBy, skippedBy)
            record.header.producerID = producerID
            record.header.producedAt = .init(date: now)
            if try await store.write(record, key: key, over: entry?.revision) { return }
        }
        throw BusError.invalidArgument("delivery record of \(alertID): too many concurrent writers")
    }

    static func merged(_ existing: [String], _ added: [String]) -> [String] {
        existing + added.filter { !existing.contains($0) }
    }
}

extension KeyValueStore {
    /// Creates `key` (no `revision`) or replaces the value read at `revision`; false when another
    /// writer came first (read again and decide again). The relay's records are written only so.
    func write(_ message: some SwiftProtobuf.Message, key: String, over revision: UInt64?) async throws -> Bool {
        do {
            if let revision {
                _ = try await update(key, message: message, expectedRevision: revision)
            } else {
                _ = try await create(key, message: message)
            }
            return true
        } catch BusError.wrongLastRevision, BusError.keyExists {
            return false
        }
    }
}
