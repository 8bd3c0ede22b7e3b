/// A test's own failure: a wait that timed out, an object that is missing.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds; throws `TestFailure` after `timeout` (a bound on a broken test
/// or on the control plane's controllers, never an assertion on speed). With `retryingErrors` a
/// condition that throws counts as not yet holding.
public func eventually(_ what: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(100),
                       retryingErrors: Bool = false, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if retryingErrors {
            if (try? await condition()) == true { return }
        } else if try await condition() {
            return
        }
        try await Task.sleep(for: interval)
    }
    throw TestFailure("timed out waiting for \(what)")
}
