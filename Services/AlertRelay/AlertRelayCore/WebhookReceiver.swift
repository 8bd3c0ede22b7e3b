public import Contracts

/// A generic webhook the relay posts Alerts to: where, signed with which key, and which Alerts.
public struct WebhookReceiver: Equatable, Sendable {
    /// The receiver's name in metrics, logs and delivery records (`[a-z0-9-]`, not "alertmanager").
    public var name: String
    /// `http://` or `https://` URL.
    public var url: String
    /// Where the HMAC key is: a file (a mounted Secret) or an environment variable.
    public var secret: SecretSource
    public var filter: AlertFilter

    public enum SecretSource: Equatable, Sendable {
        case file(String)
        case environment(String)
    }

    public init(name: String, url: String, secret: SecretSource, filter: AlertFilter = AlertFilter()) {
        self.name = name
        self.url = url
        self.secret = secret
        self.filter = filter
    }

    /// Reads one `relay.webhooks` entry: space-separated `key=value` fields,
    /// `name=ops url=https://hooks.example/podguard secretFile=/etc/podguard/hooks/ops severity=warning|critical reasons=FenceAborted|NodeFenceApprovalRequired excludeReasons=TestAlert`
    /// (`secretEnv=VAR` instead of `secretFile`). Every mistake is named.
    public static func parse(_ text: String) throws(AlertRelayConfigError) -> WebhookReceiver {
        var fields: [String: String] = [:]
        for field in text.split(whereSeparator: \.isWhitespace) {
            guard let equals = field.firstIndex(of: "="), equals != field.startIndex else {
                throw .invalidWebhook(text, "'\(field)' is not key=value")
            }
            let key = String(field[..<equals])
            guard Self.keys.contains(key) else {
                throw .invalidWebhook(text, "unknown field '\(key)' (known: \(Self.keys.sorted().joined(separator: ", ")))")
            }
            guard fields[key] == nil else { throw .invalidWebhook(text, "'\(key)' given twice") }
            fields[key] = String(field[field.index(after: equals)...])
        }
        guard let name = fields["name"], !name.isEmpty else { throw .invalidWebhook(text, "name= is required") }
        guard name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }), name != Self.reservedName else {
            throw .invalidWebhook(text, "name '\(name)' must be lower-case letters, digits and '-', and not '\(Self.reservedName)'")
        }
        guard let url = fields["url"], url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw .invalidWebhook(text, "url= must be an http:// or https:// URL")
        }
        let secret: SecretSource
        switch (fields["secretFile"], fields["secretEnv"]) {
        case (let file?, nil) where !file.isEmpty: secret = .file(file)
        case (nil, let variable?) where !variable.isEmpty: secret = .environment(variable)
        default: throw .invalidWebhook(text, "exactly one of secretFile= or secretEnv= is required (webhooks are always signed)")
        }
        var filter = AlertFilter()
        if let severities = fields["severity"] {
            filter.severities = try Set(severities.split(separator: "|").map { token throws(AlertRelayConfigError) in
                guard let severity = PodguardSubjects.severity(fromToken: String(token)), severity != .unspecified else {
                    throw .invalidWebhook(text, "unknown severity '\(token)' (info, warning, critical)")
                }
                return severity
            })
        }
        if let reasons = fields["reasons"] { filter.reasons = Set(reasons.split(separator: "|").map(String.init)) }
        if let reasons = fields["excludeReasons"] { filter.excludedReasons = Set(reasons.split(separator: "|").map(String.init)) }
        return WebhookReceiver(name: name, url: url, secret: secret, filter: filter)
    }

    static let keys: Set<String> = ["name", "url", "secretFile", "secretEnv", "severity", "reasons", "excludeReasons"]
    /// The name of the Alertmanager receiver.
    public static let reservedName = "alertmanager"
}

/// Which Alerts a receiver takes: by severity and reason. Nothing set: every Alert.
public struct AlertFilter: Equatable, Sendable {
    /// nil: every severity.
    public var severities: Set<Podguard_V1_Severity>?
    /// nil: every reason.
    public var reasons: Set<String>?
    public var excludedReasons: Set<String>

    public init(severities: Set<Podguard_V1_Severity>? = nil, reasons: Set<String>? = nil, excludedReasons: Set<String> = []) {
        self.severities = severities
        self.reasons = reasons
        self.excludedReasons = excludedReasons
    }

    public func accepts(_ alert: Podguard_V1_Alert) -> Bool {
        (severities?.contains(alert.severity) ?? true) && (reasons?.contains(alert.reason) ?? true)
            && !excludedReasons.contains(alert.reason)
    }
}

/// A configuration the relay cannot start with.
public enum AlertRelayConfigError: Error, Equatable, CustomStringConvertible {
    case invalidWebhook(String, String)
    case duplicateReceiver(String)
    case noReceiver
    case invalidAlertmanagerURL(String)

    public var description: String {
        switch self {
        case .invalidWebhook(let entry, let why): "relay.webhooks entry '\(entry)': \(why)"
        case .duplicateReceiver(let name): "two receivers are named '\(name)'"
        case .noReceiver: "no receiver: set relay.alertmanager.urls and/or relay.webhooks"
        case .invalidAlertmanagerURL(let url): "relay.alertmanager.urls: '\(url)' is not an http:// or https:// URL"
        }
    }
}
