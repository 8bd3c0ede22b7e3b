/// The docs' table of who may do what on the bus (docs/bus-contract.md, "Who may do what"),
/// rendered from `BusTopology.access(for:)` like the NATS server configuration.
public enum BusAccessTable {
    /// Markdown: one section per principal, one row per grant with its subjects and reason.
    public static func markdown(_ topology: BusTopology, families: [Podguard_V1_ArrayFamily] = [.powerflex]) -> String {
        var lines: [String] = []
        for principal in BusPrincipal.all(families: families) {
            let permissions = topology.permissions(for: principal)
            lines.append("#### `\(topology.userName(for: principal))`")
            lines.append("")
            lines.append("| may | why |")
            lines.append("|---|---|")
            for access in topology.access(for: principal) {
                lines.append("| \(describe(access.grant)) | \(access.why) |")
            }
            lines.append("")
            let askers = topology.askers(of: principal).map { "`\(topology.userName(for: $0))`" }
            lines.append("Inboxes `\(permissions.inboxPrefix).>`"
                + (askers.isEmpty ? "." : "; answers on the inboxes of those who may ask it: \(askers.joined(separator: ", "))."))
            lines.append("")
        }
        if families.count < BusPrincipal.adapterFamilies.count {
            lines.append("Every other family's adapters have the same grants on their own family's subjects.")
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ grant: BusGrant) -> String {
        func code(_ subjects: [String]) -> String { subjects.map { "`\($0)`" }.joined(separator: ", ") }
        switch grant {
        case .publish(let subjects): return "publish \(code(subjects))"
        case .subscribe(let subjects): return "subscribe to \(code(subjects))"
        case .publishToStream(let stream, let subjects): return "publish \(code(subjects)) into `\(stream.name)`"
        case .readLastMessage(let stream): return "read the last message of a subject of `\(stream.name)`"
        case .readStream(let stream): return "read `\(stream.name)` (consumers of its own)"
        case .consume(let consumer, let manage):
            return "pull from `\(consumer.stream)`/`\(consumer.durableName)`" + (manage ? " and manage that consumer" : "")
        case .readBucket(let bucket): return "read bucket `\(bucket.name)`"
        case .writeBucket(let bucket): return "write bucket `\(bucket.name)`"
        case .bindTopology: return "look up every podguard stream and bucket"
        case .request(let subjects): return "request on \(code(subjects))"
        case .serve(let subjects): return "serve \(code(subjects))"
        case .administerTopology: return "create, update and delete podguard's streams, consumers and buckets"
        }
    }
}
