import Bus
import BusService
import Contracts
import CSISimulator
import Foundation
import Kube
import NodeCleanupCore
import NodeCleanupService
import ServiceKit
import SwiftProtobuf
import Testing

/// node-cleanup end to end on real infrastructure: nats-server, kube-apiserver (+ controllers), a
/// CSI driver simulator behind the real node adapter. Waits are generous bounds, never timings.
@Suite("node-cleanup against a real nats-server, kube-apiserver and node adapter", .serialized, .timeLimit(.minutes(5)))
struct NodeCleanupServiceTests {
    @Test("a tainted node with two moved pods becomes stable: volumes cleaned, records marked, report published, taint removed")
    func cleansAndUntaints() async throws {
        try await CleanupBed.with { bed in
            let a = try await bed.mountVolume(pv: "pv-a", podUID: "uid-a")
            let b = try await bed.mountVolume(pv: "pv-b", podUID: "uid-b")
            let other = try await bed.mountVolume(pv: "pv-other", podUID: "uid-other")
            try await bed.putRecord(pod: "pg-0", uid: "uid-a", volumes: [a])
            try await bed.putRecord(pod: "pg-1", uid: "uid-b", volumes: [b])
            // Another node's pod: never touched here.
            try await bed.putRecord(pod: "pg-2", uid: "uid-other", node: "some-other-node", volumes: [other])
            try await bed.taint()
            try await bed.startCleanup()

            try await eventually("the podguard taint is removed") { try await !bed.isPodguardTainted() }
            #expect(bed.mounts(a).isEmpty)
            #expect(bed.mounts(b).isEmpty)
            #expect(!bed.mounts(other).isEmpty, "another node's pod is not ours")
            #expect(try await bed.taints().contains { $0.matches(CleanupBed.foreignTaint) }, "other taints survive")

            let recordA = try #require(try await bed.record(uid: "uid-a"))
            let recordB = try #require(try await bed.record(uid: "uid-b"))
            #expect(recordA.nodeCleanup.cleaned && recordB.nodeCleanup.cleaned)
            #expect(recordA.nodeCleanup.by == "node-cleanup/test")
            #expect(recordA.phase == .podDeleted, "the fence phase is fencing's, untouched")
            #expect(try await bed.record(uid: "uid-other")?.nodeCleanup.cleaned == false)

            let report = try #require(try await bed.reports().last)
            #expect(report.taintRemoved)
            #expect(report.taintsRemoved.map(\.key) == [CleanupBed.taintKey])
            #expect(report.pods.map(\.outcome) == [.cleaned, .cleaned])
            #expect(report.pods.flatMap(\.volumes).allSatisfy { $0.unpublished && $0.unstaged && $0.error.isEmpty })
            #expect(report.nodeName == bed.nodeName && report.bootID == "boot-1" && report.attempt >= 1)
            #expect(bed.sim.violations.isEmpty)
            try await eventually("the TaintRemoved alert") {
                try await bed.alerts().contains { $0.reason == "TaintRemoved" && $0.nodeName == bed.nodeName }
            }
            #expect(bed.cleanupReadiness?.isReady == true, "ready with bus and Kubernetes up")
        }
    }

    @Test("fencing's out-of-service taint (its fast path) goes with the podguard taint once the node is clean; someone else's stays")
    func outOfServiceTaint() async throws {
        for own in [true, false] {
            try await CleanupBed.with { bed in
                let a = try await bed.mountVolume(pv: "pv-a", podUID: "uid-a")
                var outOfService = Podguard_V1_Taint()
                (outOfService.key, outOfService.value, outOfService.effect) = ("node.kubernetes.io/out-of-service", "nodeshutdown", .noExecute)
                try await bed.putRecord(pod: "pg-0", uid: "uid-a", volumes: [a], taintsApplied: own ? [outOfService] : [])
                try await bed.taint()
                try await bed.kube.addTaint(Taint(key: "node.kubernetes.io/out-of-service", value: "nodeshutdown", effect: "NoExecute"),
                                            toNode: bed.nodeName)
                try await bed.startCleanup()

                try await eventually("the podguard taint is removed") { try await !bed.isPodguardTainted() }
                let left = try await bed.taints().contains { $0.key == "node.kubernetes.io/out-of-service" }
                #expect(left != own, own ? "fencing's out-of-service taint left behind" : "someone else's out-of-service taint removed")
                let report = try #require(try await bed.reports().last)
                #expect(report.taintsRemoved.map(\.key) == (own ? ["node.kubernetes.io/out-of-service", CleanupBed.taintKey] : [CleanupBed.taintKey]))
            }
        }
    }

    @Test("a node its fence agent powered off, back under the same boot, keeps its taints and its pod's volumes until it reboots")
    func powerFencedNodeWaitsForAReboot() async throws {
        try await CleanupBed.with { bed in
            let a = try await bed.mountVolume(pv: "pv-p", podUID: "uid-p")
            var outOfService = Podguard_V1_Taint()
            (outOfService.key, outOfService.value, outOfService.effect) = ("node.kubernetes.io/out-of-service", "nodeshutdown", .noExecute)
            try await bed.putRecord(pod: "pg-0", uid: "uid-p", volumes: [a], taintsApplied: [outOfService],
                                    provenBy: .fenceAgent, provenBootID: "boot-1")
            try await bed.taint()
            try await bed.kube.addTaint(Taint(key: "node.kubernetes.io/out-of-service", value: "nodeshutdown", effect: "NoExecute"),
                                        toNode: bed.nodeName)
            try await bed.startCleanup()

            try await eventually("a report waiting for the reboot") {
                try await bed.reports().contains { $0.pods.contains { $0.outcome == .skippedAwaitingReboot } }
            }
            let waiting = try #require(try await bed.reports().last)
            #expect(!waiting.taintRemoved)
            #expect(waiting.taintKeptReason.contains("db/pg-0: its node was powered off by the fence agent in boot boot-1"), "\(waiting.taintKeptReason)")
            #expect(!bed.mounts(a).isEmpty, "volumes left alone on a node that never went down")
            #expect(try await bed.record(uid: "uid-p")?.nodeCleanup.cleaned == false)
            #expect(try await bed.taints().contains { $0.key == "node.kubernetes.io/out-of-service" })

            bed.heartbeat.reboot(bootID: "boot-2")
            try await eventually("both taints removed after the reboot") {
                let taints = try await bed.taints()
                return !taints.contains { $0.key == "node.kubernetes.io/out-of-service" || $0.key == CleanupBed.taintKey }
            }
            #expect(bed.mounts(a).isEmpty)
            #expect(try await bed.record(uid: "uid-p")?.nodeCleanup.cleaned == true)
        }
    }

    @Test("a zombie container keeps the taint and says why; once it is gone and the node rebooted, the taint goes")
    func zombies() async throws {
        try await CleanupBed.with(requireBootIDChange: true) { bed in
            let a = try await bed.mountVolume(pv: "pv-z", podUID: "uid-z")
            let b = try await bed.mountVolume(pv: "pv-y", podUID: "uid-y")
            try await bed.putRecord(pod: "pg-0", uid: "uid-z", volumes: [a])
            try await bed.putRecord(pod: "pg-1", uid: "uid-y", volumes: [b])
            bed.runtime.set(.containers([ScriptedContainerRuntime.running(podUID: "uid-z")]))
            try await bed.taint()
            try await bed.startCleanup()

            try await eventually("a report naming the zombie") {
                try await bed.reports().contains { !$0.zombieContainers.isEmpty }
            }
            let blocked = try #require(try await bed.reports().first { !$0.zombieContainers.isEmpty })
            #expect(!blocked.taintRemoved)
            #expect(blocked.taintKeptReason.contains("db/pg-0: container app (c-zombie"), "\(blocked.taintKeptReason)")
            #expect(blocked.zombiesSeenBootID == "boot-1")
            #expect(blocked.pods.first { $0.pod.uid == "uid-z" }?.outcome == .skippedContainerRunning)
            #expect(!bed.mounts(a).isEmpty, "a zombie's volumes are left alone")
            #expect(try await bed.isPodguardTainted())
            try await eventually("the other pod is cleaned meanwhile") { try await bed.record(uid: "uid-y")?.nodeCleanup.cleaned == true }
            #expect(bed.mounts(b).isEmpty)
            try await eventually("the CleanupBlocked alert") {
                try await bed.alerts().contains { $0.reason == "CleanupBlocked" && $0.labels["zombies"] == "1" }
            }

            // The zombie exits, but the node has not rebooted: still tainted, and the report says so.
            bed.runtime.set(.containers([]))
            try await eventually("a report waiting for the reboot") {
                try await bed.reports().contains { $0.taintKeptReason.contains("boot id unchanged") }
            }
            #expect(try await bed.isPodguardTainted())
            try await eventually("the zombie's pod is cleaned") { try await bed.record(uid: "uid-z")?.nodeCleanup.cleaned == true }

            // The node reboots: new boot id, the window runs again, then the taint goes.
            bed.heartbeat.reboot(bootID: "boot-2")
            try await eventually("the taint is removed after the reboot") { try await !bed.isPodguardTainted() }
            let last = try #require(try await bed.reports().last)
            #expect(last.taintRemoved && last.bootID == "boot-2")
            #expect(bed.mounts(a).isEmpty)
        }
    }

    @Test("a failing node adapter keeps the taint; the retry succeeds")
    func adapterErrorRetried() async throws {
        // One try per request at the adapter, so each injected "pending" reaches node-cleanup.
        try await CleanupBed.with(pendingAttempts: 1) { bed in
            let a = try await bed.mountVolume(pv: "pv-e", podUID: "uid-e")
            try await bed.putRecord(pod: "pg-0", uid: "uid-e", volumes: [a])
            bed.sim.inject(.pending(method: "NodeUnpublishVolume", count: 2))
            try await bed.taint()
            try await bed.startCleanup()

            try await eventually("the taint is removed after the retries") { try await !bed.isPodguardTainted() }
            let reports = try await bed.reports()
            let failed = reports.filter { $0.pods.contains { $0.outcome == .failed } }
            #expect(failed.count >= 2, "\(reports.map(\.taintKeptReason))")
            #expect(failed.allSatisfy { !$0.taintRemoved && $0.taintKeptReason.contains("node-unpublish") })
            #expect(failed.first?.pods.first?.volumes.first?.error.contains("PENDING") == true
                || failed.first?.pods.first?.volumes.first?.error.contains("pending") == true)
            #expect(reports.last?.taintRemoved == true)
            #expect(bed.mounts(a).isEmpty)
            #expect(try await bed.record(uid: "uid-e")?.nodeCleanup.attempts ?? 0 >= 3)
        }
    }

    @Test("containers that cannot be listed keep the taint and leave the volumes alone")
    func containersUnknown() async throws {
        try await CleanupBed.with { bed in
            let a = try await bed.mountVolume(pv: "pv-u", podUID: "uid-u")
            try await bed.putRecord(pod: "pg-0", uid: "uid-u", volumes: [a])
            bed.runtime.set(.unavailable)
            try await bed.taint()
            try await bed.startCleanup()

            try await eventually("a report with containers unknown") { try await bed.reports().contains(where: \.containersUnknown) }
            let report = try #require(try await bed.reports().first(where: \.containersUnknown))
            #expect(!report.taintRemoved)
            #expect(report.pods.first?.outcome == .skippedContainersUnknown)
            #expect(try await bed.isPodguardTainted())
            #expect(!bed.mounts(a).isEmpty)
            #expect(try await bed.record(uid: "uid-u")?.nodeCleanup.cleaned == false)

            bed.runtime.set(.containers([]))
            try await eventually("the taint is removed once the runtime answers") { try await !bed.isPodguardTainted() }
            #expect(bed.mounts(a).isEmpty)
        }
    }

    @Test("while the node's heartbeat flaps nothing is done; once it holds, the node is cleaned")
    func flappingNode() async throws {
        try await CleanupBed.with { bed in
            let a = try await bed.mountVolume(pv: "pv-f", podUID: "uid-f")
            try await bed.putRecord(pod: "pg-0", uid: "uid-f", volumes: [a])
            bed.heartbeat.set(.flapping)
            try await eventually("the node flaps") {
                try await bed.kube.get(Node.self, name: bed.nodeName).readyCondition?.status == "False"
            }
            try await bed.taint()
            try await bed.startCleanup()

            // Several stability windows (3 s) of flapping: no attempt may start.
            let flapUntil = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < flapUntil {
                #expect(bed.sim.callCount("NodeUnpublishVolume") == 0)
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(try await bed.reports().isEmpty)
            #expect(try await bed.isPodguardTainted())
            #expect(!bed.mounts(a).isEmpty)

            bed.heartbeat.set(.ready)
            try await eventually("the taint is removed once the node holds still") { try await !bed.isPodguardTainted() }
            #expect(bed.mounts(a).isEmpty)
        }
    }

    @Test("a restart mid-cleanup does no harm: the new instance finishes the job")
    func restartMidCleanup() async throws {
        try await CleanupBed.with { bed in
            let a = try await bed.mountVolume(pv: "pv-r1", podUID: "uid-r1")
            let b = try await bed.mountVolume(pv: "pv-r2", podUID: "uid-r2")
            try await bed.putRecord(pod: "pg-0", uid: "uid-r1", volumes: [a])
            try await bed.putRecord(pod: "pg-1", uid: "uid-r2", volumes: [b])
            // Slow node calls, so the first instance is caught in the middle.
            bed.sim.inject(.latency(method: "NodeUnstageVolume", delay: .seconds(1)))
            try await bed.taint()
            try await bed.startCleanup()
            try await eventually("the first instance is mid-way") { bed.sim.callCount("NodeUnstageVolume") >= 1 }
            await bed.stopCleanup()
            #expect(try await bed.isPodguardTainted(), "stopped before it could finish")

            bed.sim.inject(.latency(method: "NodeUnstageVolume", delay: .zero))
            try await bed.startCleanup()
            try await eventually("the second instance removes the taint") { try await !bed.isPodguardTainted() }
            #expect(bed.mounts(a).isEmpty && bed.mounts(b).isEmpty)
            #expect(try await bed.record(uid: "uid-r1")?.nodeCleanup.cleaned == true)
            #expect(try await bed.record(uid: "uid-r2")?.nodeCleanup.cleaned == true)
            #expect(bed.sim.violations.isEmpty)
            let attempts = try await bed.reports().map(\.attempt)
            #expect(attempts == attempts.sorted() && Set(attempts).count == attempts.count, "report ids never repeat: \(attempts)")
        }
    }

    @Test("a pod still being fenced on the node blocks the taint")
    func fenceInProgressBlocks() async throws {
        try await CleanupBed.with { bed in
            try await bed.putRecord(pod: "pg-0", uid: "uid-p", volumes: [], phase: .attachmentsDeleted)
            try await bed.taint()
            try await bed.startCleanup()
            try await eventually("a report naming the fence in progress") {
                try await bed.reports().contains { $0.pods.contains { $0.outcome == .skippedFenceInProgress } }
            }
            #expect(try await bed.isPodguardTainted())
            // Fencing finishes (pod deleted); the volumeless pod is then cleaned and the taint goes.
            try await bed.putRecord(pod: "pg-0", uid: "uid-p", volumes: [], phase: .podDeleted)
            try await eventually("the taint is removed") { try await !bed.isPodguardTainted() }
        }
    }

    @Test("a family's taint stays while the array-prober declares its arrays lost from the node")
    func lostConnectivityKeepsTheTaint() async throws {
        try await CleanupBed.with { bed in
            try await bed.putConnectivity(.lost)
            try await bed.taint()
            try await bed.startCleanup()
            try await eventually("a report keeping the taint for lost connectivity") {
                try await bed.reports().contains { !$0.taintRemoved && $0.taintKeptReason.contains("lost") }
            }
            #expect(try await bed.isPodguardTainted())
            // The arrays are reachable again: the next attempt removes the taint. (A LOST that is
            // no longer refreshed — the prober stopped probing the node — ages out the same way.)
            try await bed.putConnectivity(.connected)
            try await eventually("the taint is removed") { try await !bed.isPodguardTainted() }
        }
    }

    @Test("a LOST verdict the array-prober no longer refreshes (its pods moved away) does not hold the taint")
    func staleLostVerdictDoesNotHoldTheTaint() async throws {
        try await CleanupBed.with { bed in
            // Stored by the server now, current for 10 s (the floor), never refreshed.
            try await bed.putConnectivity(.lost, pollInterval: 1)
            try await bed.taint()
            try await bed.startCleanup()
            try await eventually("the taint is removed") { try await !bed.isPodguardTainted() }
        }
    }

    @Test("a verdict's age counts from the server's time: a LOST stored now holds the taint though its producer's clock says it is old")
    func verdictAgeFromServerTime() async throws {
        try await CleanupBed.with { bed in
            try await bed.putConnectivity(.lost, producedAt: Date().addingTimeInterval(-600), pollInterval: 60)
            try await bed.taint()
            try await bed.startCleanup()
            try await eventually("an attempt keeps the taint for the lost arrays") {
                try await bed.reports().contains { !$0.taintRemoved && $0.taintKeptReason.contains("lost") }
            }
            #expect(try await bed.isPodguardTainted())
        }
    }
}
