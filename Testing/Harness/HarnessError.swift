/// Why a piece of test infrastructure could not be started.
public enum HarnessError: Error, CustomStringConvertible {
    case system(String, Int32)
    case executableNotFound(String, hint: String)
    case didNotStart(String, log: String)
    /// No cached binaries for the Kubernetes version asked for: tests never obtain them.
    case controlPlaneBinariesMissing(String)

    public var description: String {
        switch self {
        case .system(let call, let code):
            return "\(call) failed with errno \(code)"
        case .executableNotFound(let name, let hint):
            return "\(name) is not installed: \(hint)"
        case .didNotStart(let what, let log):
            return "\(what) did not start; its log:\n\(log)"
        case .controlPlaneBinariesMissing(let message):
            return message
        }
    }
}
