/// Options of a list request.
public struct ListOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Page size; the apiserver returns a `continue` token when more remain.
    public var limit: Int?
    public var continueToken: String?
    /// `""`/nil: the latest (quorum read); `"0"`: any (from the watch cache).
    public var resourceVersion: String?
    /// `NotOlderThan` or `Exact` (1.19+).
    public var resourceVersionMatch: String?
    public var timeout: Duration?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil, resourceVersion: String? = nil, timeout: Duration? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.timeout = timeout
    }

    var query: [(name: String, value: String)] {
        var query: [(name: String, value: String)] = []
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
        if let limit { query.append(("limit", String(limit))) }
        if let continueToken, !continueToken.isEmpty { query.append(("continue", continueToken)) }
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { query.append(("resourceVersionMatch", resourceVersionMatch)) }
        return query
    }
}
