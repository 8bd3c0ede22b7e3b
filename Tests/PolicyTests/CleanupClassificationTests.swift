import Contracts
import Policy
import Testing

@Suite("node cleanup: which records concern a node, and what to do with each pod")
struct CleanupClassificationTests {
    static func record(node: String = "n1", phase: Podguard_V1_FencePhase, cleaned: Bool = false,
                       reason: Podguard_V1_FenceReason = .nodeFailure, dryRun: Bool = false) -> Podguard_V1_FenceRecord {
        var record = Podguard_V1_FenceRecord()
        record.nodeName = node
        record.phase = phase
        record.reason = reason
        record.dryRun = dryRun
        record.nodeCleanup.cleaned = cleaned
        return record
    }

    @Test("record roles", arguments: [
        (record(phase: .podDeleted), CleanupPolicy.RecordRole.movedAway),
        (record(phase: .podDeleted, cleaned: true), .alreadyCleaned),
        (record(node: "n2", phase: .podDeleted), .notOurs),
        (record(phase: .aborted), .notOurs),
        (record(phase: .unspecified), .notOurs),
        (record(phase: .podDeleted, reason: .crashLoopBackOff), .notOurs),
        (record(phase: .podDeleted, dryRun: true), .notOurs),
        (record(phase: .requested), .fenceInProgress),
        (record(phase: .validated), .fenceInProgress),
        (record(phase: .fenced), .fenceInProgress),
        (record(phase: .tainted), .fenceInProgress),
        (record(phase: .attachmentsDeleted), .fenceInProgress),
        (record(phase: .eventRecorded), .fenceInProgress),
        (record(phase: .UNRECOGNIZED(42)), .fenceInProgress),
        (record(phase: .podDeleted, reason: .arrayConnectivityLoss), .movedAway),
    ])
    func roles(_ record: Podguard_V1_FenceRecord, _ expected: CleanupPolicy.RecordRole) {
        #expect(CleanupPolicy.role(of: record, onNode: "n1") == expected)
    }

    typealias Current = CleanupPolicy.CurrentPod

    /// podmon's node-mode rules and its node.feature, one row each: volumes, ignore volumeless, current pod, containers → action.
    @Test("pod actions in podmon's order", arguments: [
        (1, false, nil, CleanupPolicy.Containers.noneExecuting, CleanupPolicy.PodAction.clean),
        (0, false, nil, .noneExecuting, .clean),
        (0, true, nil, .noneExecuting, .leave(.ignoredVolumeless)),
        (0, true, nil, .executing(["app"]), .leave(.ignoredVolumeless)),
        (1, true, nil, .noneExecuting, .clean),
        (1, false, Current(uid: "new", nodeName: "n1", phase: "Running"), .noneExecuting, .leave(.ignoredStillScheduledHere)),
        (1, false, Current(uid: "new", nodeName: "n1", phase: "Pending"), .executing(["app"]), .leave(.ignoredStillScheduledHere)),
        (1, false, Current(uid: "old", nodeName: "n1", phase: "Running"), .noneExecuting, .leave(.ignoredStillScheduledHere)),
        (1, false, Current(uid: "new", nodeName: "n1", phase: "Failed"), .noneExecuting, .clean),
        (1, false, Current(uid: "new", nodeName: "n2", phase: "Running"), .noneExecuting, .clean),
        (1, false, nil, .executing(["app (c1, running)"]), .leave(.skippedContainerRunning("app (c1, running)"))),
        (1, false, nil, .unknown("UNIMPLEMENTED"), .leave(.skippedContainersUnknown("UNIMPLEMENTED"))),
        (1, false, Current(uid: "old", nodeName: "n2", phase: "Running"), .noneExecuting, .leave(.skippedStillPresent)),
        (1, false, Current(uid: "old", nodeName: "n2", phase: "Running"), .executing(["x"]), .leave(.skippedContainerRunning("x"))),
        (1, false, Current(uid: "old", nodeName: "", phase: "Pending"), .noneExecuting, .leave(.skippedStillPresent)),
    ] as [(Int, Bool, Current?, CleanupPolicy.Containers, CleanupPolicy.PodAction)])
    func actions(_ volumes: Int, _ ignore: Bool, _ current: Current?, _ containers: CleanupPolicy.Containers,
                 _ expected: CleanupPolicy.PodAction) {
        #expect(CleanupPolicy.action(volumeCount: volumes, ignoreVolumelessPods: ignore, recordedUID: "old", node: "n1",
                                     current: current, containers: containers) == expected)
    }

    @Test("running, created and unnamed states execute; exited does not; other pods do not count")
    func executing() {
        func container(_ id: String, _ uid: String, _ state: Podguard_V1_ContainerInfo.State) -> Podguard_V1_ContainerInfo {
            var info = Podguard_V1_ContainerInfo()
            info.containerID = id
            info.podUid = uid
            info.state = state
            return info
        }
        let all = [container("a", "u1", .running), container("b", "u1", .created), container("c", "u1", .unknown),
                   container("d", "u1", .exited), container("e", "u2", .running)]
        #expect(CleanupPolicy.executingContainers(of: "u1", in: all).map(\.containerID) == ["a", "b", "c"])
        #expect(CleanupPolicy.executingContainers(of: "u3", in: all).isEmpty)
    }

    @Test("blocked pods of the new kinds keep the taint, with a reason each")
    func newSkips() {
        let verdict = CleanupPolicy.taintVerdict([("ns/a", .skippedContainersUnknown("UNIMPLEMENTED")), ("ns/b", .skippedFenceInProgress)],
                                                 zombiesSeenSinceTaint: false, bootIDChanged: false, requireBootIDChange: false)
        #expect(verdict == .keep(reasons: ["ns/a: containers unknown (UNIMPLEMENTED)", "ns/b: fencing still in progress"]))
    }
}
