import Contracts

/// Which FenceRecords concern a node's cleanup, and what to do with each pod they name (podmon's
/// `nodeModeCleanupPods` rules, in its order; docs/policy.md).
extension CleanupPolicy {
    /// What a FenceRecord means to the node-cleanup of `node`.
    public enum RecordRole: Sendable, Equatable {
        /// Another node's, aborted (the pod never left), a dry run, or a CrashLoopBackOff delete (a
        /// normal delete on a healthy node: the kubelet cleans up after itself).
        case notOurs
        /// The pod left this node and node-cleanup already cleaned it here.
        case alreadyCleaned
        /// Fencing still works on it: cleaning now would race fencing; blocks the taint.
        case fenceInProgress
        /// The pod was force-deleted from this node and is not cleaned yet.
        case movedAway
    }

    public static func role(of record: Podguard_V1_FenceRecord, onNode node: String) -> RecordRole {
        guard record.nodeName == node, !record.dryRun, record.reason != .crashLoopBackOff else { return .notOurs }
        switch record.phase {
        case .podDeleted:
            return record.nodeCleanup.cleaned ? .alreadyCleaned : .movedAway
        case .requested, .validated, .fenced, .tainted, .attachmentsDeleted, .eventRecorded:
            return .fenceInProgress
        case .aborted, .unspecified:
            return .notOurs
        case .UNRECOGNIZED:
            // A phase this version does not know is never read as permission to act: it blocks.
            return .fenceInProgress
        }
    }

    /// What Kubernetes holds now under the recorded pod's namespace and name.
    public struct CurrentPod: Sendable, Equatable {
        public var uid: String
        public var nodeName: String
        /// `status.phase` ("Pending", "Running", "Succeeded", "Failed", "Unknown").
        public var phase: String

        public init(uid: String, nodeName: String, phase: String) {
            self.uid = uid
            self.nodeName = nodeName
            self.phase = phase
        }
    }

    /// What the container runtime says about a pod's containers on the node.
    public enum Containers: Sendable, Equatable {
        case noneExecuting
        /// Descriptions of the containers still running or created (zombies).
        case executing([String])
        /// The runtime could not be asked; why.
        case unknown(String)
    }

    /// A pod is cleaned, or left alone with a status saying why.
    public enum PodAction: Sendable, Equatable {
        case clean
        case leave(PodStatus)
    }

    /// podmon's order: volumeless and ignored → scheduled here again → a container still executing
    /// (or the runtime unknown) → the same uid still present → clean. "Scheduled here" compares node
    /// names rather than podmon's host IP: the same fact without depending on the node's address.
    public static func action(volumeCount: Int, ignoreVolumelessPods: Bool, recordedUID: String, node: String,
                              current: CurrentPod?, containers: Containers) -> PodAction {
        if ignoreVolumelessPods && volumeCount == 0 { return .leave(.ignoredVolumeless) }
        if let current, current.nodeName == node, current.phase == "Pending" || current.phase == "Running" {
            return .leave(.ignoredStillScheduledHere)
        }
        switch containers {
        case .executing(let list): return .leave(.skippedContainerRunning(list.joined(separator: ", ")))
        case .unknown(let why): return .leave(.skippedContainersUnknown(why))
        case .noneExecuting: break
        }
        if let current, current.uid == recordedUID { return .leave(.skippedStillPresent) }
        return .clean
    }

    /// The containers of `podUID` that still execute: running, created, or in a state the runtime did
    /// not name (podmon counts CONTAINER_RUNNING and CONTAINER_CREATED; an unknown state may be either).
    public static func executingContainers(of podUID: String, in containers: [Podguard_V1_ContainerInfo]) -> [Podguard_V1_ContainerInfo] {
        containers.filter { $0.podUid == podUID && $0.state != .exited }
    }

    /// "name (id, state)" for logs and reports.
    public static func describe(_ container: Podguard_V1_ContainerInfo) -> String {
        let name = container.containerName.isEmpty ? container.containerID : container.containerName
        return "\(name) (\(container.containerID), \(container.state))"
    }
}
