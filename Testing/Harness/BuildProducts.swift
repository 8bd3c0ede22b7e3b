import Foundation

/// The build products directory the running test bundle lives in, where SwiftPM also puts the
/// package's executables.
public enum BuildProducts {
    /// The executable `name` beside the test bundle (searched upwards from it); the bare name, for
    /// a `PATH` lookup, when none is found.
    public static func executable(_ name: String) -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first { $0.contains(".xctest") } ?? CommandLine.arguments[0])
        var directory = bundle.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: name)
    }
}
