/// Who a service is: its name (`tap`, shown as `podguard-tap`), version and a one-line summary for `--help`.
public struct ServiceInfo: Sendable {
    public let name: String
    public let version: String
    public let summary: String

    public init(name: String, version: String = PodguardVersion.current, summary: String) {
        self.name = name
        self.version = version
        self.summary = summary
    }

    /// `podguard-<name>`, the name the executable is installed under.
    public var executableName: String {
        name.hasPrefix("podguard-") ? name : "podguard-\(name)"
    }
}
