public import Policy
public import ServiceKit

/// The ladder keys (`remediation.ladder`, `remediation.ladders`, `remediation.ladderLabel`), read
/// the same way by fencing, which climbs the ladders, and decision, which names them in its records.
extension RemediationLadders {
    public static let schema: [ConfigKey] = [
        ConfigKey("remediation.ladder", .string, default: "storage:5m",
                  help: "the cluster's remediation ladder, rungs <step>:<timeout> tried in order when the arrays cannot prove a node safe; steps storage, fence-agent, external, approval (last), e.g. 'storage:5m fence-agent:3m approval:1h'; 'storage:5m' is podmon's behaviour"),
        ConfigKey("remediation.ladders", .stringList, default: nil,
                  help: "named ladders a node picks with its remediation.ladderLabel, <name>=<ladder>, e.g. 'bare-metal=storage:5m fence-agent:3m,vm=storage:5m approval:30m'"),
        ConfigKey("remediation.ladderLabel", .string, default: RemediationLadders.defaultLabel,
                  help: "node label naming the ladder of remediation.ladders the node climbs (the watcher copies it: keep it in watcher.nodeLabels)"),
    ]

    public init(_ configuration: Configuration) throws(ConfigError) {
        do {
            self = try RemediationLadders.parse(cluster: configuration.string("remediation.ladder") ?? "storage:5m",
                                                named: configuration.stringList("remediation.ladders") ?? [],
                                                label: configuration.string("remediation.ladderLabel") ?? Self.defaultLabel,
                                                duration: DurationParser.parse)
        } catch {
            let key = error.which == .cluster ? "remediation.ladder" : "remediation.ladders"
            throw ConfigError(key: key, message: "\(error.description) for '\(key)'")
        }
    }
}
