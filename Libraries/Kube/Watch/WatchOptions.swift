/// Options of a watch.
public struct WatchOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Watch changes after this version (from a list). `nil`: start with synthetic ADDED events for
    /// every existing object.
    public var resourceVersion: String?
    /// Periodic BOOKMARK events, so a quiet watch still advances its resourceVersion and resumes
    /// without 410 after a reconnect.
    public var allowWatchBookmarks: Bool = true
    /// The apiserver ends each watch connection after this long; the watch then reconnects from
    /// the last resourceVersion. Spreads reconnects and detects dead connections.
    public var timeoutSeconds: Int = 300

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil, allowWatchBookmarks: Bool = true, timeoutSeconds: Int = 300) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
    }

    func query(resourceVersion: String?) -> [(name: String, value: String)] {
        var query: [(name: String, value: String)] = [("watch", "true")]
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
        if let resourceVersion, !resourceVersion.isEmpty { query.append(("resourceVersion", resourceVersion)) }
        if allowWatchBookmarks { query.append(("allowWatchBookmarks", "true")) }
        query.append(("timeoutSeconds", String(timeoutSeconds)))
        return query
    }
}
