import Foundation
import Synchronization

/// The one running child process of a harness object, behind a mutex.
///
/// `Process` is not `Sendable`; every access goes through `Mutex`, so the holder is.
final class LockedProcess: Sendable {
    private let process = Mutex<ProcessBox?>(nil)

    func set(_ newValue: Process) {
        process.withLock { $0 = ProcessBox(process: newValue) }
    }

    /// The process id of the running child, if any.
    var processIdentifier: Int32? {
        process.withLock { $0?.process.processIdentifier }
    }

    func take() -> Process? {
        process.withLock { box in
            defer { box = nil }
            return box?.process
        }
    }
}

// Process is only touched while the mutex above is held or after `take()` moved it out of the
// shared slot, so no two threads use it at once.
struct ProcessBox: @unchecked Sendable {
    let process: Process
}
