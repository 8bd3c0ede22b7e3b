import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension KubeControlPlane {
    private static let startup = Mutex<Task<KubeControlPlane, any Error>?>(nil)
    private static let started = Mutex<KubeControlPlane?>(nil)

    /// The control plane shared by every test of this process: started on first use, stopped
    /// (`down.sh --purge`) when the process exits. Each test should use its own namespace.
    public static func shared() async throws -> KubeControlPlane {
        let task = startup.withLock { slot in
            if let slot { return slot }
            let task = Task { try await KubeControlPlane.start() }
            slot = task
            // Its processes run in their own sessions and would outlive the test process.
            atexit { KubeControlPlane.stopShared() }
            return task
        }
        let plane = try await task.value
        started.withLock { $0 = plane }
        return plane
    }

    /// Stops the shared control plane if it was started (runs at exit; idempotent).
    public static func stopShared() {
        started.withLock { $0 }?.stop()
    }
}
