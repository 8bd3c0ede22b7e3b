import AdapterKit
import Contracts
import NodeCleanupCore
import Synchronization

/// The node's container runtime as a test scripts it, plugged into the REAL node adapter through
/// AdapterKit's `ContainerRuntime` seam, so list-containers travels the real bus path and the real
/// adapter code; only the CRI behind it is a stand-in (a CRI-backed runtime is being added to the
/// adapters separately).
final class ScriptedContainerRuntime: ContainerRuntime {
    enum Mode: Sendable {
        case containers([Podguard_V1_ContainerInfo])
        /// The runtime does not answer: the adapter replies TRANSIENT, node-cleanup must assume
        /// containers may still run.
        case unavailable
    }

    private let mode = Mutex(Mode.containers([]))
    private let calls = Mutex(0)

    func set(_ mode: Mode) { self.mode.withLock { $0 = mode } }
    var callCount: Int { calls.withLock { $0 } }

    func listContainers(podUIDs: [String], deadline: Duration) async throws -> [Podguard_V1_ContainerInfo] {
        calls.withLock { $0 += 1 }
        switch mode.withLock({ $0 }) {
        case .containers(let list):
            return podUIDs.isEmpty ? list : list.filter { podUIDs.contains($0.podUid) }
        case .unavailable:
            throw RuntimeUnavailable()
        }
    }

    static func running(podUID: String, name: String = "app", id: String = "c-zombie") -> Podguard_V1_ContainerInfo {
        var container = Podguard_V1_ContainerInfo()
        container.containerID = id
        container.podUid = podUID
        container.containerName = name
        container.state = .running
        return container
    }

    struct RuntimeUnavailable: Error, CustomStringConvertible {
        var description: String { "CRI socket not answering (test)" }
    }
}
