import AlertRelayCore
import Contracts
import Foundation
import SwiftProtobuf
import Testing

/// Builds an Alert as the producers do (reason, ids, what it is about, when).
func makeAlert(_ reason: String, id: String? = nil, severity: Podguard_V1_Severity = .info, node: String = "", fence: String = "",
               family: Podguard_V1_ArrayFamily = .unspecified, labels: [String: String] = [:], producer: String = "fencing/f-1",
               at seconds: TimeInterval = 1_000) -> Podguard_V1_Alert {
    var alert = Podguard_V1_Alert()
    alert.alertID = id ?? "\(reason).\(node).\(fence).\(Int(seconds))"
    alert.reason = reason
    alert.severity = severity
    alert.nodeName = node
    alert.fenceID = fence
    alert.family = family
    alert.labels = labels
    alert.summary = "\(reason) on \(node)"
    alert.header.producerID = producer
    alert.header.producedAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: seconds))
    return alert
}

@Suite("Alert conditions: which Alert opens and which closes what")
struct AlertConditionTests {
    /// Every reason of the runbook's catalog (docs/operations.md, "Alerts"), with what it does.
    static let catalog: [(reason: String, opens: AlertCondition.Kind?, closes: [AlertCondition.Kind])] = [
        ("FenceRequested", .remediation, []), ("CrashLoopDeleteRequested", .remediation, []),
        ("FenceCompleted", nil, [.remediation]), ("FenceAborted", nil, [.remediation]),
        ("FenceDryRun", nil, [.remediation]), ("CrashLoopPodDeleted", nil, [.remediation]),
        ("ArrayOutage", .arrayOutage, []), ("ArrayOutageOver", nil, [.arrayOutage]),
        ("DriverOutage", .driverOutage, []), ("DriverOutageOver", nil, [.driverOutage]),
        ("PodguardPaused", .pause, []), ("PodguardResumed", nil, [.pause]),
        ("NodeRemediationStarted", .nodeRemediation, []), ("NodeFenceApprovalRequired", .nodeApproval, []),
        ("NodeProvenSafe", nil, [.nodeRemediation, .nodeApproval]), ("NodeRemediationExhausted", nil, [.nodeRemediation, .nodeApproval]),
        ("NodeFenceDenied", nil, [.nodeRemediation, .nodeApproval]), ("NodeRemediationAbandoned", nil, [.nodeRemediation, .nodeApproval]),
        ("CleanupBlocked", .cleanupBlocked, []),
        ("StormLimitReached", nil, []), ("RepeatedRemediationWithheld", nil, []), ("DryRunWouldFence", nil, []),
        ("TaintAdded", nil, []), ("TaintRequestIgnored", nil, []), ("TaintRequestFailed", nil, []),
        ("FencedVolumeRepublished", nil, []), ("NodeRemediationLimitReached", nil, []), ("RequestRejected", nil, []),
        ("TaintRemovedExternally", nil, []), ("TestAlert", nil, []), ("SomethingNew", nil, []),
    ]

    @Test("every reason of the catalog", arguments: catalog.indices)
    func lifecycle(_ index: Int) {
        let entry = Self.catalog[index]
        let alert = makeAlert(entry.reason, node: "n1", fence: "f1", family: .powerflex, labels: ["driver": "csi-vxflexos.dellemc.com"],
                              producer: "decision/d-1")
        let lifecycle = AlertLifecycle.of(alert)
        #expect(lifecycle.opens?.kind == entry.opens, "\(entry.reason)")
        #expect(lifecycle.closes.map(\.kind) == entry.closes, "\(entry.reason)")
    }

    @Test("what a condition is about comes from the Alert's fields, so a closer matches its opener")
    func subjects() {
        #expect(AlertLifecycle.of(makeAlert("FenceRequested", fence: "f9")).opens == AlertCondition(.remediation, "f9"))
        #expect(AlertLifecycle.of(makeAlert("FenceAborted", fence: "f9")).closes == [AlertCondition(.remediation, "f9")])
        #expect(AlertLifecycle.of(makeAlert("ArrayOutage", family: .unity)).opens == AlertCondition(.arrayOutage, "unity"))
        #expect(AlertLifecycle.of(makeAlert("DriverOutageOver", labels: ["driver": "csi-unity.dellemc.com"])).closes
                == [AlertCondition(.driverOutage, "csi-unity.dellemc.com")])
        #expect(AlertLifecycle.of(makeAlert("PodguardResumed")).closes == [AlertCondition(.pause, "")])
        #expect(AlertLifecycle.of(makeAlert("NodeFenceDenied", node: "w3")).closes
                == [AlertCondition(.nodeRemediation, "w3"), AlertCondition(.nodeApproval, "w3")])
    }

    @Test("an opener or closer that cannot name what it is about is an event (it must not fire for ever)")
    func unnamed() {
        #expect(AlertLifecycle.of(makeAlert("FenceRequested", fence: "")) == .event)
        #expect(AlertLifecycle.of(makeAlert("ArrayOutage")) == .event)
        #expect(AlertLifecycle.of(makeAlert("CleanupBlocked", node: "")) == .event)
        #expect(AlertLifecycle.of(makeAlert("FenceCompleted", fence: "")).closes.isEmpty)
    }

    @Test("only node-cleanup's TaintRemoved ends a blocked cleanup (fencing's is a taint request)")
    func taintRemoved() {
        #expect(AlertLifecycle.of(makeAlert("TaintRemoved", node: "n1", producer: "node-cleanup/n1")).closes == [AlertCondition(.cleanupBlocked, "n1")])
        #expect(AlertLifecycle.of(makeAlert("TaintRemoved", node: "n1", producer: "fencing/f-1")) == .event)
    }
}

@Suite("Condition ledger: the order of recording and posting")
struct ConditionLedgerTests {
    let opener = makeAlert("FenceRequested", id: "open", fence: "f1", at: 100)
    let closer = makeAlert("FenceCompleted", id: "close", fence: "f1", at: 110)

    @Test func openerFirstTimeIsRecordedThenFired() {
        #expect(ConditionLedger.open(opener, recorded: nil) == .recordThenFire)
    }

    @Test func openerRedeliveredIsFiredAgainWithoutAWrite() {
        #expect(ConditionLedger.open(opener, recorded: opener) == .fire)
    }

    @Test func openerAfterItsCloserIsHistory() {
        #expect(ConditionLedger.open(opener, recorded: closer) == .postResolved)
    }

    @Test func aNewerOpenerReplacesAnOlderOneOrAnOlderCloser() {
        let later = makeAlert("FenceRequested", id: "open2", fence: "f1", at: 120)
        #expect(ConditionLedger.open(later, recorded: opener) == .recordThenFire)
        #expect(ConditionLedger.open(later, recorded: closer) == .recordThenFire)
        #expect(ConditionLedger.open(opener, recorded: later) == .postResolved)
    }

    @Test func closerResolvesTheRecordedOpenerBeforeRecordingItself() {
        #expect(ConditionLedger.close(closer, recorded: opener) == .resolveThenRecord(opener: opener))
    }

    @Test func closerWithNothingOpenIsRecordedForALateOpener() {
        #expect(ConditionLedger.close(closer, recorded: nil) == .record)
    }

    @Test func closerRedeliveredOrLateDoesNothing() {
        #expect(ConditionLedger.close(closer, recorded: closer) == .nothing)
        let newerOpener = makeAlert("FenceRequested", id: "open2", fence: "f1", at: 200)
        #expect(ConditionLedger.close(closer, recorded: newerOpener) == .nothing)
        let newerCloser = makeAlert("FenceAborted", id: "close2", fence: "f1", at: 200)
        #expect(ConditionLedger.close(closer, recorded: newerCloser) == .nothing)
        #expect(ConditionLedger.close(newerCloser, recorded: closer) == .record)
    }

    @Test func closerOfTheSameInstantEndsItsOpener() {
        let instant = makeAlert("FenceCompleted", id: "close3", fence: "f1", at: 100)
        #expect(ConditionLedger.close(instant, recorded: opener) == .resolveThenRecord(opener: opener))
    }
}

@Suite("Deliveries: plan and backoff")
struct DeliveryPlanTests {
    let receivers: [(name: String, filter: AlertFilter)] = [
        ("alertmanager", AlertFilter()),
        ("ops", AlertFilter(severities: [.warning, .critical])),
        ("pager", AlertFilter(reasons: ["FenceAborted"], excludedReasons: [])),
        ("quiet", AlertFilter(excludedReasons: ["TestAlert"])),
    ]

    @Test func filtersAndRecordsDecideWhoIsLeft() {
        let info = makeAlert("TestAlert")
        let plan = DeliveryPlan(alert: info, receivers: receivers, record: nil)
        #expect(plan.pending == ["alertmanager"] && plan.skipped == ["ops", "pager", "quiet"])
        let aborted = makeAlert("FenceAborted", severity: .critical)
        var record = Podguard_V1_AlertDelivery()
        record.deliveredTo = ["alertmanager", "pager"]
        let left = DeliveryPlan(alert: aborted, receivers: receivers, record: record)
        #expect(left.pending == ["ops", "quiet"] && left.skipped.isEmpty && !left.isComplete)
        record.deliveredTo += ["ops", "quiet"]
        #expect(DeliveryPlan(alert: aborted, receivers: receivers, record: record).isComplete)
        record.deliveredTo = []
        record.skippedBy = ["ops", "pager", "quiet"]
        #expect(DeliveryPlan(alert: info, receivers: receivers, record: record).skipped.isEmpty)
    }

    @Test func backoffDoublesToItsCap() {
        let backoff = RetryBackoff(initial: .seconds(1), maximum: .seconds(60))
        #expect([1, 2, 3, 4, 7, 8, 100].map { backoff.delay(afterDeliveries: $0) }
                == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(60), .seconds(60), .seconds(60)])
        #expect(backoff.delay(afterDeliveries: 0) == .seconds(1))
        #expect(RetryBackoff(initial: .seconds(10), maximum: .seconds(1)).maximum == .seconds(10))
    }
}
