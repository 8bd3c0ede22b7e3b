import Foundation
import Synchronization

/// Collects log lines written by a handler under test.
final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])

    var sink: @Sendable (String) -> Void {
        { line in self.storage.withLock { $0.append(line) } }
    }

    var lines: [String] { storage.withLock { $0 } }
}

/// A YAML file in the temporary directory, removed by `remove()`.
struct TemporaryFile {
    let path: String

    init(_ contents: String, name: String = "config") throws {
        let directory = FileManager.default.temporaryDirectory.path
        path = "\(directory)/servicekit-\(name)-\(UUID().uuidString).yaml"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Records what happened, in order, across tasks.
final class EventLog: Sendable {
    private let storage = Mutex<[String]>([])

    func record(_ event: String) { storage.withLock { $0.append(event) } }

    var events: [String] { storage.withLock { $0 } }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
