import Foundation
import Harness
import Testing
import Yams

/// What the Swift tests check of the Helm charts (helm itself lints, renders and applies them in
/// `make test`: scripts/chart-check.sh, scripts/chart-apply.sh): the umbrella and its subcharts
/// agree, every `.Values` path a template reads exists, and the configuration each chart writes
/// is accepted by the real service executable (unknown keys and bad values make a service refuse
/// to start, so a wrong key in a chart would be a crash loop).
@Suite("Helm charts (structure, value paths, configuration accepted by the services)")
struct HelmChartTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("helm/podguard")
    static let subcharts = ["watcher", "array-prober", "decision", "fencing", "node-cleanup", "adapters", "statefulcluster", "alert-relay"]
    /// Charts whose service does not connect to NATS: their ConfigMap has no `bus.*` keys and their
    /// pods no bus secrets (the helpers' `"bus" false`).
    static let withoutBus: Set<String> = ["statefulcluster"]

    static func yaml(_ relative: String) throws -> [String: Any] {
        let text = try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "\(relative) is not a YAML mapping")
    }

    /// The value at a dotted path, or nil when a step is missing.
    static func value(_ tree: Any, at path: [String]) -> Any?? {
        var node: Any = tree
        for step in path {
            guard let mapping = node as? [String: Any], let next = mapping[step] else { return nil }
            node = next
        }
        return .some(node)
    }

    @Test func theUmbrellaListsEverySubchartWithItsVersionAndACondition() throws {
        let chart = try Self.yaml("Chart.yaml")
        let values = try Self.yaml("values.yaml")
        let dependencies = try #require(chart["dependencies"] as? [[String: Any]])
        #expect(dependencies.compactMap { $0["name"] as? String }.sorted() == Self.subcharts.sorted())
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("charts").path)
            .filter { !$0.hasPrefix(".") }
        #expect(onDisk.sorted() == Self.subcharts.sorted())
        for dependency in dependencies {
            let name = try #require(dependency["name"] as? String)
            let subchart = try Self.yaml("charts/\(name)/Chart.yaml")
            #expect(subchart["name"] as? String == name)
            #expect(subchart["apiVersion"] as? String == "v2")
            #expect(subchart["version"] as? String == dependency["version"] as? String, "\(name) version")
            let condition = try #require(dependency["condition"] as? String, "\(name) has no condition")
            let flag = Self.value(values, at: condition.split(separator: ".").map(String.init))
            #expect(flag.flatMap { $0 } is Bool, "umbrella values has no boolean \(condition)")
        }
    }

    /// `.Values.a.b` in a subchart's templates must exist in its values.yaml (or, under `global`,
    /// in the umbrella's), so no template silently renders an empty value.
    @Test(arguments: subcharts)
    func everyValuePathATemplateReadsExists(_ name: String) throws {
        let own = try Self.yaml("charts/\(name)/values.yaml")
        let global = try #require(try Self.yaml("values.yaml")["global"])
        let templates = Self.root.appendingPathComponent("charts/\(name)/templates")
        let pattern = try Regex(#"\$?\.Values\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)"#)
        var checked = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: pattern) {
                let path = String(text[match.range].split(separator: "Values.", maxSplits: 1)[1]).split(separator: ".").map(String.init)
                let found = path.first == "global" ? Self.value(global, at: Array(path.dropFirst())) : Self.value(own, at: path)
                #expect(found != nil, "\(name)/templates/\(file) reads .Values.\(path.joined(separator: ".")), which no values.yaml defines")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    /// The configuration file each chart renders — the common part from `global` plus the
    /// chart's `config` — passes the service's own validation (`--print-config` loads and
    /// validates without starting anything).
    @Test(arguments: [
        ("watcher", "podguard-watcher"), ("array-prober", "podguard-array-prober"), ("decision", "podguard-decision"),
        ("fencing", "podguard-fencing"), ("node-cleanup", "podguard-node-cleanup"),
        ("statefulcluster", "podguard-statefulcluster"), ("alert-relay", "podguard-alert-relay"),
    ])
    func theRenderedConfigurationIsAcceptedByTheService(_ chart: String, executable: String) async throws {
        var config = try #require(try Self.yaml("charts/\(chart)/values.yaml")["config"] as? [String: Any] ?? [:])
        let umbrella = try Self.yaml("values.yaml")
        Self.merge(try Self.derivedConfig(chart, umbrella), into: &config)
        Self.merge(Self.commonConfig(umbrella, bus: !Self.withoutBus.contains(chart)), into: &config)
        try await Self.expectAccepted(config, by: executable, label: chart)
    }

    /// The charts of services without the bus set no `bus.*` key in their own `config` either
    /// (podguard.configFile would write it, and the service would refuse it as unknown).
    @Test(arguments: withoutBus.sorted())
    func aChartWithoutTheBusSetsNoBusKeys(_ chart: String) throws {
        let config = try Self.yaml("charts/\(chart)/values.yaml")["config"] as? [String: Any] ?? [:]
        #expect(!config.keys.contains("bus"), "\(chart)/values.yaml sets bus keys in config")
        #expect(!Self.commonConfig(try Self.yaml("values.yaml"), bus: false).keys.contains("bus"))
    }

    /// Each family's adapter, in both modes, with the keys the chart sets itself.
    @Test(arguments: ["powerflex", "powerstore", "powerscale", "powermax", "unity"])
    func theAdapterConfigurationIsAcceptedInBothModes(_ family: String) async throws {
        let values = try Self.yaml("charts/adapters/values.yaml")
        let familyValues = try #require(Self.value(values, at: ["families", family]).flatMap { $0 } as? [String: Any])
        for mode in ["controller", "node"] {
            var config = values["config"] as? [String: Any] ?? [:]
            Self.merge(familyValues["config"] as? [String: Any] ?? [:], into: &config)
            Self.merge((familyValues[mode] as? [String: Any])?["config"] as? [String: Any] ?? [:], into: &config)
            var adapter: [String: Any] = ["mode": mode, "csiSocket": "unix:///csi/csi.sock"]
            if mode == "node" {
                adapter["nodeName"] = "worker-1"
                adapter["criEndpoint"] = "unix:///run/containerd/containerd.sock"
            }
            Self.merge(["adapter": adapter], into: &config)
            Self.merge(Self.commonConfig(try Self.yaml("values.yaml")), into: &config)
            try await Self.expectAccepted(config, by: "podguard-adapter-\(family)", label: "\(family) \(mode)")
        }
    }

    /// The keys `podguard.commonConfig` in templates/_helpers.tpl writes from `global` (without
    /// `bus.*` for a chart that passes `"bus" false`).
    static func commonConfig(_ umbrella: [String: Any], bus withBus: Bool = true) -> [String: Any] {
        let global = umbrella["global"] as? [String: Any] ?? [:]
        let log = global["log"] as? [String: Any] ?? [:]
        let bus = global["bus"] as? [String: Any] ?? [:]
        var common: [String: Any] = [
            "log": ["level": log["level"] ?? "info", "format": log["format"] ?? "json"],
            "http": ["host": "0.0.0.0", "port": global["httpPort"] ?? 8080],
        ]
        if withBus {
            // installTopology is false with a per-service auth method (the install Job installs it).
            let method = (bus["auth"] as? [String: Any])?["method"] as? String ?? "none"
            let busKeys: [String: Any] = ["servers": bus["servers"] ?? [], "subjectPrefix": bus["subjectPrefix"] ?? "podguard",
                                          "streamReplicas": bus["streamReplicas"] ?? 1, "installTopology": method == "none"]
            common["bus"] = busKeys
        }
        return common
    }

    /// Keys a chart's configmap.yaml derives from `global` with its default values, where the
    /// service's acceptance of them is checked here: statefulcluster's protection label
    /// (global.protect; the value only when set).
    static func derivedConfig(_ chart: String, _ umbrella: [String: Any]) throws -> [String: Any] {
        if chart == "alert-relay" { return try alertRelayConfig() }
        guard chart == "statefulcluster" else { return [:] }
        let protect = Self.value(umbrella, at: ["global", "protect"]).flatMap { $0 } as? [String: Any] ?? [:]
        var statefulCluster: [String: Any] = ["protectionLabelKey": protect["labelKey"] ?? "podmon.dellemc.com/driver"]
        if let labelValue = protect["labelValue"] as? String, !labelValue.isEmpty {
            statefulCluster["protectionLabelValue"] = labelValue
        }
        return ["statefulCluster": statefulCluster]
    }

    /// The `relay.*` keys alert-relay's configmap.yaml writes from its values (its
    /// `podguard.alertRelay.relayConfig`), with an Alertmanager and a webhook as ci/alert-relay-values.yaml
    /// gives them, so the service sees every key the chart can write.
    static func alertRelayConfig() throws -> [String: Any] {
        let values = try Self.yaml("charts/alert-relay/values.yaml")
        let alertmanager = values["alertmanager"] as? [String: Any] ?? [:]
        return ["relay": [
            "alertmanager": ["eventDuration": alertmanager["eventDuration"] ?? "1h", "resendInterval": alertmanager["resendInterval"] ?? "1m",
                             "urls": ["http://alertmanager:9093"], "runbookURL": "https://runbook.example/ops"],
            "timeout": values["timeout"] ?? "10s", "retryInitialDelay": values["retryInitialDelay"] ?? "1s",
            "retryMaxDelay": values["retryMaxDelay"] ?? "5m", "concurrency": values["concurrency"] ?? 8,
            "webhooks": ["name=ops url=https://hooks.example/podguard secretFile=/etc/podguard/webhooks/ops/hmac-key severity=warning|critical"],
        ] as [String: Any]]
    }

    /// Helm's `merge`: keys already in `target` win, nested mappings merge.
    static func merge(_ source: [String: Any], into target: inout [String: Any]) {
        for (key, value) in source {
            if var existing = target[key] as? [String: Any], let nested = value as? [String: Any] {
                merge(nested, into: &existing)
                target[key] = existing
            } else if target[key] == nil {
                target[key] = value
            }
        }
    }

    static func expectAccepted(_ config: [String: Any], by executable: String, label: String) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("helm-\(UUID().uuidString).yaml")
        try Yams.dump(object: config).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ChildProcess.run(BuildProducts.executable(executable), ["--print-config", "--config", file.path],
                                                environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 0, "\(label): \(executable) refuses the chart's configuration: \(result.output.suffix(600))")
    }
}
