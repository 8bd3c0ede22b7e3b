/// How log lines are written: `json` for log collectors, `text` for a person at a terminal.
public enum LogFormat: String, Sendable, CaseIterable {
    case json
    case text
}
