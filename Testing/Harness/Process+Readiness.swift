import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Process {
    /// Polls `ready` every 25 ms for up to `limit` while the process runs: true once it holds,
    /// false when the process exits or the time is up (the caller then reports its log).
    func becomesReady(within limit: Duration = .seconds(5), _ ready: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if ready() { return true }
            if !isRunning { return false }
            try await Task.sleep(for: .milliseconds(25))
        }
        return ready()
    }
}

extension Process {
    /// Waits for the process on a thread of its own, so its exit is collected. `setsid` forks when
    /// it is a process-group leader and its first process exits at once: left uncollected, that
    /// zombie makes Swift Testing's exit-test monitor (a `waitid(P_ALL)` loop) spin a whole core
    /// for the rest of the test run.
    public func reapInBackground() {
        let pid = processIdentifier
        Thread.detachNewThread {
            // A blocking waitpid of its own: Foundation was seen never collecting this child.
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        }
    }
}
