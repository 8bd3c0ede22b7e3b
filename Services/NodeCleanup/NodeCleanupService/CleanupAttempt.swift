import ArrayFamily
import Bus
import Contracts
import FamilyCatalog
import Foundation
import Kube
import Logging
import NodeCleanupCore
import Policy
import SwiftProtobuf

/// One cleanup attempt on the node (podmon's `nodeModeCleanupPods`): classify every pod that left
/// the node, check for zombie containers, unpublish and unstage the cleanable pods' volumes through
/// the local node adapters, record each cleaned pod in its FenceRecord, and remove the podguard
/// taint only if the policy says so. Ends with the report to publish.
struct CleanupAttempt: Sendable {
    let settings: NodeCleanupSettings
    let families: FamilyRegistry
    let adapters: NodeAdapterClient
    let kube: KubeClient
    let ledger: FenceLedger
    /// The array-prober's verdicts (bucket podguard-connectivity); nil when it cannot be opened.
    let connectivity: KeyValueStore?
    let messages: CleanupMessageFactory
    let logger: Logger

    /// What one attempt starts from.
    struct Context: Sendable {
        var attempt: UInt32
        var node: NodeObservation
        var zombiesSeenAtBootID: String?
    }

    struct Outcome: Sendable {
        var report: Podguard_V1_CleanupReport
        var result: CleanupCycleStateMachine.AttemptResult
        /// Reasons the taint was kept, empty when removed.
        var keptReasons: [String]
    }

    func run(_ context: Context, entries: [FenceLedger.Entry]) async -> Outcome {
        let startedAt = Date()
        let clock = ContinuousClock.now
        var pods: [Podguard_V1_PodCleanup] = []
        var statuses: [(pod: String, status: CleanupPolicy.PodStatus)] = []

        let moved = entries.filter { $0.role == .movedAway }
        let containers: Result<[Podguard_V1_ContainerInfo], AdapterCallError> =
            moved.isEmpty ? .success([]) : await listContainers(of: moved, families: CleanupPlan.families(of: moved.map(\.record)))
        var zombies: [Podguard_V1_ContainerInfo] = []
        var containersUnknown = false

        // Pods are cleaned `concurrency` at a time (a returning node may have hundreds, each CSI
        // call taking the driver's time); results are gathered back in entry order.
        var results = [PodResult?](repeating: nil, count: entries.count)
        await withTaskGroup(of: (Int, PodResult).self) { group in
            var next = 0
            func startNext() {
                guard next < entries.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await self.process(entries[index], containers: containers, bootID: context.node.bootID)) }
            }
            for _ in 0..<settings.concurrency { startNext() }
            for await (index, result) in group {
                results[index] = result
                startNext()
            }
        }
        for (entry, result) in zip(entries, results) {
            guard let result else { continue }
            zombies += result.executing
            if result.containersUnknown { containersUnknown = true }
            NodeCleanupMetrics.pod(CleanupMessageFactory.label(result.pod.outcome))
            pods.append(result.pod)
            statuses.append(("\(entry.record.pod.namespace)/\(entry.record.pod.name)", result.status))
        }
        NodeCleanupMetrics.zombies(zombies.count)
        if containersUnknown { NodeCleanupMetrics.containerCheckUnavailable() }

        let bootID = context.node.bootID
        let zombiesSeenAt = zombies.isEmpty ? context.zombiesSeenAtBootID : bootID
        var verdict = CleanupPolicy.taintVerdict(
            statuses, zombiesSeenSinceTaint: zombiesSeenAt != nil,
            bootIDChanged: zombiesSeenAt.map { $0 != bootID } ?? false,
            requireBootIDChange: settings.requireBootIDChangeAfterZombies)

        // Record what was done (compare-and-set per record) before the taint may go.
        let recordFailures = await record(pods: pods, entries: entries, attempt: context.attempt)
        if !recordFailures.isEmpty {
            verdict = CleanupPlan.keeping(verdict, recordFailures)
        }
        // A remediation that started on this node during the attempt must keep its taint.
        let processed = Set(entries.map(\.key))
        let newcomers = ledger.pending().filter { !processed.contains($0.key) }
        if !newcomers.isEmpty {
            verdict = CleanupPlan.keeping(verdict, newcomers.map {
                "\($0.record.pod.namespace)/\($0.record.pod.name): new remediation on this node during the attempt"
            })
        }

        var removed: [Podguard_V1_Taint] = []
        if verdict == .remove {
            do {
                // The out-of-service taint goes only if fencing put it there (its fast path) for a pod
                // cleaned now: anyone else's is left to them.
                let ownOutOfService = entries.contains { $0.record.taintsApplied.contains { $0.key == TaintKeys.outOfService } }
                removed = try await removeTaints(context.node, processed: processed,
                                                 outOfService: ownOutOfService && context.node.outOfService)
                // Only the attempt whose update took the taint off (removed non-empty) observes the
                // episode: a retried or restarted attempt finds the taint gone and observes nothing.
                if !removed.isEmpty, let duration = CleanupPlan.cleanupDuration(nodeReadySince: context.node.readyTransitionTime, at: Date()) {
                    NodeCleanupMetrics.cleanupCompleted(duration)
                }
            } catch {
                NodeCleanupMetrics.failure("taint_removal")
                verdict = .keep(reasons: ["taint removal failed: \(error)"])
            }
        }

        var report = Podguard_V1_CleanupReport()
        report.header = messages.header(at: Date())
        report.nodeName = context.node.name
        report.nodeUid = context.node.uid
        report.bootID = bootID
        report.attempt = context.attempt
        report.startedAt = Google_Protobuf_Timestamp(date: startedAt)
        report.finishedAt = Google_Protobuf_Timestamp(date: Date())
        report.pods = pods
        report.zombieContainers = zombies
        report.containersUnknown = containersUnknown
        report.zombiesSeenBootID = zombiesSeenAt ?? ""
        let keptReasons: [String]
        switch verdict {
        case .remove:
            report.taintRemoved = true
            report.taintsRemoved = removed
            keptReasons = []
        case .keep(let reasons):
            report.taintKeptReason = reasons.joined(separator: "; ")
            keptReasons = reasons
        }
        NodeCleanupMetrics.attempt(taintRemoved: report.taintRemoved, duration: ContinuousClock.now - clock)
        return Outcome(report: report,
                       result: report.taintRemoved ? .taintRemoved : .taintKept(zombiesSeenUnderBootID: zombies.isEmpty ? nil : bootID),
                       keptReasons: keptReasons)
    }

    // MARK: Pods

    /// What one entry of the attempt came to.
    struct PodResult: Sendable {
        var pod: Podguard_V1_PodCleanup
        var status: CleanupPolicy.PodStatus
        /// Containers of the pod still executing on the node (zombies).
        var executing: [Podguard_V1_ContainerInfo]
        /// The container check was unavailable.
        var containersUnknown: Bool
    }

    /// One entry of the attempt: skipped while its fence is in progress, else classified and cleaned.
    private func process(_ entry: FenceLedger.Entry, containers: Result<[Podguard_V1_ContainerInfo], AdapterCallError>,
                         bootID: String) async -> PodResult {
        var pod = Podguard_V1_PodCleanup()
        pod.pod = entry.record.pod
        pod.fenceID = entry.record.fenceID
        var executing: [Podguard_V1_ContainerInfo] = []
        var unknown = false
        let status: CleanupPolicy.PodStatus
        if entry.role == .fenceInProgress {
            status = .skippedFenceInProgress
        } else if CleanupPlan.awaitsReboot(entry.record, liveBootID: bootID) {
            status = .skippedAwaitingReboot(bootID: bootID)
        } else {
            let podContainers: CleanupPolicy.Containers
            switch containers {
            case .success(let list):
                executing = CleanupPolicy.executingContainers(of: entry.record.pod.uid, in: list)
                podContainers = executing.isEmpty ? .noneExecuting : .executing(executing.map(CleanupPolicy.describe))
            case .failure(let failure):
                unknown = true
                podContainers = .unknown(CleanupMessageFactory.describe(failure.error))
            }
            status = await clean(entry, containers: podContainers, into: &pod)
        }
        let (outcome, message) = CleanupMessageFactory.outcome(status)
        pod.outcome = outcome
        pod.message = message
        return PodResult(pod: pod, status: status, executing: executing, containersUnknown: unknown)
    }

    /// Classifies a moved pod and, if it is to be cleaned, cleans its volumes.
    private func clean(_ entry: FenceLedger.Entry, containers: CleanupPolicy.Containers,
                       into pod: inout Podguard_V1_PodCleanup) async -> CleanupPolicy.PodStatus {
        let volumes = CleanupPlan.volumes(of: entry.record)
        let current: CleanupPolicy.CurrentPod?
        do {
            current = try await currentPod(entry.record.pod)
        } catch {
            NodeCleanupMetrics.failure("pod_lookup")
            return .failed("reading pod \(entry.record.pod.namespace)/\(entry.record.pod.name) failed: \(error)")
        }
        let action = CleanupPolicy.action(volumeCount: volumes.count, ignoreVolumelessPods: settings.ignoreVolumelessPods,
                                          recordedUID: entry.record.pod.uid, node: settings.nodeName,
                                          current: current, containers: containers)
        guard action == .clean else {
            if case .leave(let status) = action { return status }
            return .cleaned
        }
        var firstError: String?
        for volume in volumes {
            let result = await cleanVolume(volume, of: entry.record)
            pod.volumes.append(result)
            if firstError == nil, !result.error.isEmpty { firstError = "\(volume.pvName): \(result.error)" }
        }
        if let firstError { return .failed(firstError) }
        logger.info("pod cleaned from node", metadata: [
            "pod": "\(entry.record.pod.namespace)/\(entry.record.pod.name)", "uid": "\(entry.record.pod.uid)", "volumes": "\(volumes.count)"])
        return .cleaned
    }

    /// podmon's per-volume steps: NodeUnpublish at the target path (a failure skips the rest
    /// of this volume), then NodeUnstage at each staging path; an error the family excludes counts
    /// as done (the adapter already answers success for it; checked again here, it costs nothing).
    private func cleanVolume(_ volume: Podguard_V1_FenceVolume, of record: Podguard_V1_FenceRecord) async -> Podguard_V1_VolumeCleanup {
        var result = Podguard_V1_VolumeCleanup()
        result.volumeHandle = volume.volumeHandle
        result.pvName = volume.pvName
        result.block = volume.block
        guard let family = families.family(of: volume) else {
            result.error = "volume \(volume.pvName) has no known array family (\(volume.family)); no node adapter to ask"
            NodeCleanupMetrics.failure("node_unpublish")
            return result
        }
        let plan = family.cleanupPlan(for: VolumeOnNode(podUID: record.pod.uid, pvName: volume.pvName,
                                                        volumeHandle: volume.volumeHandle, isBlock: volume.block),
                                      privateMountDirectory: settings.privateMountDirectory)
        let header = messages.header(at: Date(), correlation: record.fenceID)

        var unpublish = Podguard_V1_NodeUnpublishRequest()
        unpublish.header = header
        unpublish.volumeHandle = volume.volumeHandle
        unpublish.targetPath = plan.targetPath
        unpublish.podUid = record.pod.uid
        unpublish.pvName = volume.pvName
        unpublish.block = volume.block
        if let error = await adapters.unpublish(unpublish, family: volume.family), !family.isExcludedCleanupError(error.message) {
            result.error = "node-unpublish \(plan.targetPath): \(CleanupMessageFactory.describe(error))"
            NodeCleanupMetrics.failure("node_unpublish")
            return result
        }
        result.unpublished = true

        var unstageErrors: [String] = []
        for path in plan.stagingPaths {
            var unstage = Podguard_V1_NodeUnstageRequest()
            unstage.header = header
            unstage.volumeHandle = volume.volumeHandle
            unstage.stagingTargetPath = path
            unstage.pvName = volume.pvName
            unstage.block = volume.block
            if let error = await adapters.unstage(unstage, family: volume.family), !family.isExcludedCleanupError(error.message) {
                unstageErrors.append("node-unstage \(path): \(CleanupMessageFactory.describe(error))")
                NodeCleanupMetrics.failure("node_unstage")
            }
        }
        result.unstaged = unstageErrors.isEmpty
        if let first = unstageErrors.first { result.error = first }
        // node-cleanup has no host filesystem access: the private mount is gone when it is one of
        // the paths the driver just unpublished or unstaged (or the family has none).
        result.privateMountRemoved = plan.privatePath.map { path in
            (path == plan.targetPath && result.unpublished) || (plan.stagingPaths.contains(path) && result.unstaged)
        } ?? true
        return result
    }

    private func currentPod(_ ref: Podguard_V1_ObjectRef) async throws -> CleanupPolicy.CurrentPod? {
        guard let pod = try await kube.getIfPresent(Pod.self, name: ref.name, namespace: ref.namespace) else { return nil }
        return CleanupPolicy.CurrentPod(uid: pod.metadata.uid ?? "", nodeName: pod.spec?.nodeName ?? "",
                                        phase: pod.status?.phase ?? "")
    }

    // MARK: Containers

    /// Asks the node adapters for the containers of the moved pods: the families of their volumes
    /// first, then every family (a volumeless pod has none); the first adapter that answers wins.
    private func listContainers(of entries: [FenceLedger.Entry],
                                families candidates: [Podguard_V1_ArrayFamily]) async -> Result<[Podguard_V1_ContainerInfo], AdapterCallError> {
        let uids = entries.map(\.record.pod.uid)
        var lastFailure: AdapterCallError?
        for family in candidates {
            switch await adapters.listContainers(podUIDs: uids, header: messages.header(at: Date()), family: family) {
            case .success(let list):
                return .success(list)
            case .failure(let failure):
                lastFailure = failure
                // UNIMPLEMENTED from one adapter: another family's adapter may have a runtime client.
                logger.debug("list-containers failed", metadata: ["family": "\(family)", "error": "\(failure.error.message)"])
            }
        }
        let failure = lastFailure ?? AdapterCallError({
            var error = Podguard_V1_AdapterError()
            error.kind = .transient
            error.message = "no node adapter to ask"
            return error
        }())
        logger.warning("zombie check impossible: containers of moved pods may still run; keeping the taint",
                       metadata: ["error": "\(failure.error.message)"])
        return .failure(failure)
    }



    // MARK: Records and taint

    /// Writes each moved pod's `node_cleanup`: cleaned, or the attempt count and why not. Returns
    /// the failures (a cleaned pod whose record could not be written blocks the taint).
    private func record(pods: [Podguard_V1_PodCleanup], entries: [FenceLedger.Entry], attempt: UInt32) async -> [String] {
        var failures: [String] = []
        let header = messages.header(at: Date())
        for (pod, entry) in zip(pods, entries) where entry.role == .movedAway {
            let cleaned = pod.outcome == .cleaned
            let message = pod.message
            let producer = messages.producerID
            do {
                _ = try await ledger.updateCleanup(key: entry.key, producer: header) { status in
                    status.attempts = attempt
                    status.by = producer
                    if cleaned {
                        status.cleaned = true
                        status.cleanedAt = header.producedAt
                        status.lastMessage = ""
                    } else {
                        status.lastMessage = message
                    }
                }
            } catch {
                NodeCleanupMetrics.failure("record")
                if cleaned { failures.append("\(pod.pod.namespace)/\(pod.pod.name): could not record the cleanup: \(error)") }
                logger.warning("could not write node_cleanup", metadata: ["key": "\(entry.key)", "error": "\(error)"])
            }
        }
        return failures
    }

    /// Removes every podguard taint the node carried (key + NoSchedule), leaving all others.
    ///
    /// The verdict was reached on what the attempt saw when it started; taints go one by one, each a
    /// read-modify-update that may be retried. So before each removal it checks again, on the live
    /// Node and the fence ledger, that the node is still Ready and not unreachable and that no
    /// remediation started on it since the attempt began (fencing may be moving a pod off the node
    /// right now, re-adding the taint in its TAINTED phase); otherwise the remaining taints stay.
    /// A family's taint also stays while the array-prober still declares that family's arrays lost
    /// from this node: decision would only put it back, and meanwhile the scheduler could place new
    /// pods of that family on a node that cannot reach their storage.
    /// The out-of-service taint (`outOfService`) goes first: were it left behind with the podguard
    /// taints gone, no later attempt would start to remove it.
    private func removeTaints(_ node: NodeObservation, processed: Set<String>, outOfService: Bool) async throws -> [Podguard_V1_Taint] {
        var removed: [Podguard_V1_Taint] = []
        defer { NodeCleanupMetrics.taintRemoved(count: removed.count) }
        let keys = (outOfService ? [(TaintKeys.outOfService, Podguard_V1_TaintEffect.noExecute)] : [])
            + node.podguardTaintKeys.map { ($0, Podguard_V1_TaintEffect.noSchedule) }
        for (key, effect) in keys {
            if let family = families.contractFamily(ofTaintKey: key), try await connectivityLost(family, node: node.name) {
                throw TaintRemovalStopped(reason: "\(key): the array-prober still declares the \(PodguardSubjects.token(family)) arrays lost from this node")
            }
            let newcomers = ledger.pending().filter { !processed.contains($0.key) }
            if let first = newcomers.first {
                throw TaintRemovalStopped(reason: "\(first.record.pod.namespace)/\(first.record.pod.name): new remediation on this node during the attempt")
            }
            var changed = false
            try await kube.update(Node.self, name: node.name) { live in
                changed = false
                if live.taints.contains(where: { $0.key == TaintKeys.unreachable }) || live.readyCondition?.status != "True" {
                    throw TaintRemovalStopped(reason: "node no longer Ready and reachable")
                }
                guard let taints = TaintEdit.removing(key: key, effect: effect.kubernetesName, from: live.taints) else { return }
                live.spec?.taints = taints.isEmpty ? nil : taints
                changed = true
            }
            if changed {
                var taint = Podguard_V1_Taint()
                taint.key = key
                taint.effect = effect
                removed.append(taint)
            }
        }
        return removed
    }

    /// Whether the array-prober currently declares `family`'s arrays LOST from `node`: the latest
    /// ArrayConnectivity says LOST and is current (`ConnectivityFreshness`). The prober
    /// publishes after every cycle, but only for nodes with protected pods of the family; once the
    /// pods have moved away it stops, and its last LOST must not hold the taint forever. No entry
    /// or an undecodable one is not a loss; an unreadable bucket is an error, so the taint stays.
    private func connectivityLost(_ family: Podguard_V1_ArrayFamily, node: String) async throws -> Bool {
        guard let connectivity else { return false }
        guard let entry = try await connectivity.get(PodguardKeys.connectivity(family: family, node: node)),
              let message = try? Podguard_V1_ArrayConnectivity(serializedBytes: entry.value),
              message.verdict == .lost else { return false }
        return ConnectivityFreshness.isCurrent(message, storedAt: entry.storedAt, at: Date())
    }

    /// Why the taint removal stopped before every taint was gone.
    struct TaintRemovalStopped: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }


}
