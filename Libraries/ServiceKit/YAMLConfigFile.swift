import Yams

/// Reads the YAML configuration file into dotted keys: nested maps (`bus: {tls: {caFile: x}}`) and
/// dotted map keys (`bus.tls.caFile: x`) are equivalent, so operators can write either.
enum YAMLConfigFile {
    /// The dotted keys and raw values of `text`; `null` leaves are skipped (they keep the default).
    static func flatten(_ text: String, path: String) throws(ConfigError) -> [(name: String, raw: ConfigValue.Raw)] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(key: nil, message: "cannot parse configuration file \(path): \(error)")
        }
        guard let root else { return [] }
        if root.null != nil { return [] }
        guard case .mapping = root else {
            throw ConfigError(key: nil, message: "configuration file \(path) must be a map of keys to values")
        }
        var result: [(name: String, raw: ConfigValue.Raw)] = []
        try walk(root, prefix: nil, path: path, into: &result)
        return result
    }

    private static func walk(
        _ node: Node, prefix: String?, path: String, into result: inout [(name: String, raw: ConfigValue.Raw)]
    ) throws(ConfigError) {
        switch node {
        case .mapping(let mapping):
            for (keyNode, valueNode) in mapping {
                guard let component = keyNode.string, !component.isEmpty else {
                    throw ConfigError(key: prefix, message: "configuration file \(path) has a key that is not a string")
                }
                let name = prefix.map { "\($0).\(component)" } ?? component
                try walk(valueNode, prefix: name, path: path, into: &result)
            }
        case .sequence(let sequence):
            var items: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item else {
                    throw ConfigError(
                        key: prefix,
                        message: "configuration file \(path): list '\(prefix ?? "")' may only hold plain values")
                }
                items.append(scalar.string)
            }
            result.append((prefix ?? "", .list(items)))
        case .scalar(let scalar):
            if node.null != nil { return }
            result.append((prefix ?? "", .text(scalar.string)))
        case .alias:
            throw ConfigError(key: prefix, message: "configuration file \(path): YAML aliases are not supported")
        }
    }
}
