import OperatorViews

/// The CLI's connection to podguard's bus (filled in by the CLI's work).
public struct OperatorBus: Sendable {
    public init() {}
}
