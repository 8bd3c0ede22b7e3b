import Foundation

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
