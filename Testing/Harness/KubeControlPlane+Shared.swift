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
        let first = started.withLock { slot in
            defer { slot = plane }
            return slot == nil
        }
        if first { plane.stopWhenProcessEnds() }
        return plane
    }

    /// A detached watcher that runs `down.sh --purge` once this process is gone, however it ends
    /// (`atexit` handlers do not run on a crash, a signal, or some failing test-runner exits).
    /// Also for a control plane started with ``start(watchCache:extraEnvironment:file:)`` that must
    /// not outlive a killed process (the benchmark's).
    public func stopWhenProcessEnds() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; exec bash \"$1\" \"$2\" --purge"
        process.arguments = ["bash", "-c", script, "reaper", downScript, stateDirectory.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return }
        process.reapInBackground()
    }

    /// Stops the shared control plane if it was started (runs at exit; idempotent).
    public static func stopShared() {
        started.withLock { $0 }?.stop()
    }
}
