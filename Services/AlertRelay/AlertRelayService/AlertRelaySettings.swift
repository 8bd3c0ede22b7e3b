public import AlertRelayCore
public import ServiceKit

/// alert-relay's configuration (`relay.*`), read and checked once at start (docs/configuration.md).
public struct AlertRelaySettings: Sendable {
    /// Alertmanager instances; each Alert is posted to every one (an HA pair does not share alerts).
    public var alertmanagerURLs: [String]
    public var mapping: AlertmanagerMapping
    /// How often the open conditions are posted again, so Alertmanager keeps them firing.
    public var resendInterval: Duration
    public var webhooks: [WebhookReceiver]
    /// Deadline of one HTTP post.
    public var timeout: Duration
    public var backoff: RetryBackoff
    /// Alerts worked on at once by this replica.
    public var concurrency: Int
    /// This replica in headers and logs: `alert-relay/<instance>`.
    public var instance: String

    public init(alertmanagerURLs: [String] = [], mapping: AlertmanagerMapping = AlertmanagerMapping(), resendInterval: Duration = .seconds(60),
                webhooks: [WebhookReceiver] = [], timeout: Duration = .seconds(10), backoff: RetryBackoff = RetryBackoff(),
                concurrency: Int = 8, instance: String) {
        self.alertmanagerURLs = alertmanagerURLs
        self.mapping = mapping
        self.resendInterval = resendInterval
        self.webhooks = webhooks
        self.timeout = timeout
        self.backoff = backoff
        self.concurrency = max(1, concurrency)
        self.instance = instance
    }

    public var producerID: String { "alert-relay/\(instance)" }

    /// Every receiver with its filter, Alertmanager first (it takes every Alert).
    public var receivers: [(name: String, filter: AlertFilter)] {
        (alertmanagerURLs.isEmpty ? [] : [(WebhookReceiver.reservedName, AlertFilter())]) + webhooks.map { ($0.name, $0.filter) }
    }

    public static let schema = ConfigSchema([
        ConfigKey("relay.alertmanager.urls", .stringList, default: nil,
                  help: "Alertmanager base URLs (http://alertmanager:9093); every Alert is posted to each one's /api/v2/alerts"),
        ConfigKey("relay.alertmanager.eventDuration", .duration, default: "1h",
                  help: "how long an Alert that opens no condition (an event) stays firing in Alertmanager after its delivery"),
        ConfigKey("relay.alertmanager.resendInterval", .duration, default: "1m",
                  help: "how often open conditions are posted again; a condition not posted for 4 intervals ends by itself"),
        ConfigKey("relay.alertmanager.runbookURL", .string, default: nil, help: "annotation runbook_url of every alert (your copy of docs/operations.md)"),
        ConfigKey("relay.alertmanager.generatorURL", .string, default: nil, help: "generatorURL of every alert (a dashboard of podguard)"),
        ConfigKey("relay.webhooks", .stringList, default: nil,
                  help: "webhook receivers, each 'name=<n> url=<u> secretFile=<path>|secretEnv=<VAR> [severity=a|b] [reasons=A|B] [excludeReasons=C]'"),
        ConfigKey("relay.timeout", .duration, default: "10s", help: "deadline of one post to a receiver"),
        ConfigKey("relay.retryInitialDelay", .duration, default: "1s", help: "wait before an Alert a receiver refused is tried again; doubles per try"),
        ConfigKey("relay.retryMaxDelay", .duration, default: "5m", help: "cap of that wait"),
        ConfigKey("relay.concurrency", .int, default: "8", range: 1...256, help: "Alerts delivered at once by this replica"),
        ConfigKey("relay.instance", .string, default: nil, help: "this replica's id in headers; defaults to the host (pod) name"),
    ])

    public init(_ configuration: Configuration, defaultInstance: String) throws {
        let urls = configuration.stringList("relay.alertmanager.urls") ?? []
        for url in urls where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw AlertRelayConfigError.invalidAlertmanagerURL(url)
        }
        let webhooks = try (configuration.stringList("relay.webhooks") ?? []).map { entry throws(AlertRelayConfigError) in
            try WebhookReceiver.parse(entry)
        }
        var names: Set<String> = []
        for name in webhooks.map(\.name) where !names.insert(name).inserted { throw AlertRelayConfigError.duplicateReceiver(name) }
        guard !urls.isEmpty || !webhooks.isEmpty else { throw AlertRelayConfigError.noReceiver }
        let resend = configuration.duration("relay.alertmanager.resendInterval") ?? .seconds(60)
        self.init(
            alertmanagerURLs: urls.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
            mapping: AlertmanagerMapping(eventDuration: configuration.duration("relay.alertmanager.eventDuration") ?? .seconds(3600),
                                         conditionHold: resend * 4,
                                         runbookURL: configuration.string("relay.alertmanager.runbookURL"),
                                         generatorURL: configuration.string("relay.alertmanager.generatorURL")),
            resendInterval: resend,
            webhooks: webhooks,
            timeout: configuration.duration("relay.timeout") ?? .seconds(10),
            backoff: RetryBackoff(initial: configuration.duration("relay.retryInitialDelay") ?? .seconds(1),
                                  maximum: configuration.duration("relay.retryMaxDelay") ?? .seconds(300)),
            concurrency: configuration.int("relay.concurrency") ?? 8,
            instance: configuration.string("relay.instance") ?? defaultInstance)
    }
}
