import Synchronization

/// How many times each method was called (for tests that check what reached the runtime).
final class CallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func count(_ method: String) { counts.withLock { $0[method, default: 0] += 1 } }

    func value(_ method: String) -> Int { counts.withLock { $0[method, default: 0] } }
}
