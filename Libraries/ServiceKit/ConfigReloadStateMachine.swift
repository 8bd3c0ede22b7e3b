/// What a watched configuration file's content means for the running service, as an explicit state
/// machine fed by each poll. Pure: the watcher reads the file and acts on the returned action.
///
/// ```
///            content changed, valid, different value ──▶ apply(value)   (current := value)
/// current ──┼ content changed, invalid ─────────────────▶ keepPrevious  (once per distinct content)
///            ├ content unchanged (or same value) ────────▶ none
///            └ file unreadable ──────────────────────────▶ keepPrevious  (once per distinct reason)
/// ```
/// The content, not the file's identity or mtime, is compared: a mounted ConfigMap changes by an
/// atomic swap of a `..data` symlink, so the watched path's target changes while the path does not.
public struct ConfigReloadStateMachine<Value: Sendable & Equatable>: Sendable {
    public enum Action: Sendable, Equatable {
        /// Nothing to do.
        case none
        /// A new valid value: hand it to the subscribers.
        case apply(Value)
        /// The file changed but cannot be used: log the reason as a warning; the current value stays.
        case keepPrevious(reason: String)
    }

    /// The value in force.
    public private(set) var current: Value
    /// The last content read (valid or not), so the same bad content is reported once.
    private var lastContent: String
    /// Why the file could not be read at the last poll, if it could not.
    private var unreadableReason: String?

    /// - Parameters:
    ///   - initial: the value validated at start.
    ///   - content: the content it came from.
    public init(initial: Value, content: String) {
        current = initial
        lastContent = content
    }

    /// The file was read; `parse` validates content that changed.
    public mutating func read(_ content: String, parse: (String) -> Result<Value, any Error>) -> Action {
        unreadableReason = nil
        guard content != lastContent else { return .none }
        lastContent = content
        switch parse(content) {
        case .success(let value):
            guard value != current else { return .none }
            current = value
            return .apply(value)
        case .failure(let error):
            return .keepPrevious(reason: "\(error)")
        }
    }

    /// The file could not be read (a ConfigMap being swapped, removed, or permissions).
    public mutating func readFailed(_ reason: String) -> Action {
        guard unreadableReason != reason else { return .none }
        unreadableReason = reason
        return .keepPrevious(reason: reason)
    }
}
