import Foundation
import KubeService
import LadderSettings
import Policy
import ServiceKit

/// Configuration as every service reads it at start (Libraries/ServiceKit/PodguardApplication.swift,
/// ConfigLoader.swift, CommandLineArguments.swift, YAMLConfigFile.swift, ConfigValue.swift), and
/// podmon's driver ConfigMap (DriverConfigParams+Parsing.swift, PodmonCompatibility.swift).
extension FuzzTarget {
    /// The keys of the libraries every service shares: every kind of key (int with a range,
    /// duration, bool, one-of, list, double), and the remediation ladders parsed from them.
    static let configSchema = ConfigSchema(RemediationLadders.schema)
        .merging(KubeClientSettings.schema)
        .merging(PodmonCompatibility.schema)
        .merging(FamilyConfiguration.schema)

    static let configInfo = ServiceInfo(name: "fuzz", version: "0.0.0", summary: "the configuration fuzz target")

    /// Where the file section is written: the loader reads a path, as in a pod.
    static let configFilePath: String = {
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(directory)/podguard-fuzz-config-\(getpid()).yaml"
    }()

    static let config = FuzzTarget(
        "config",
        "sections split at '%%' lines — YAML file, environment (NAME=value lines), flags (one a line) — through PodguardApplication.make (--print-config), then RemediationLadders(configuration)"
    ) { bytes in
        let sections = FuzzInput.sections(String(decoding: bytes, as: UTF8.self), count: 3)
        _ = FileManager.default.createFile(atPath: configFilePath, contents: Data(sections[0].utf8))
        var environment = ["PODGUARD_CONFIG": configFilePath]
        for line in sections[1].split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        environment["PODGUARD_CONFIG"] = configFilePath
        // `--config` would read any path the fuzzer spells (a FIFO blocks); the file is the first section.
        let flags = sections[2].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.hasPrefix("--config") }
        // `--print-config` last: make() returns before it builds the application (which bootstraps
        // logging and metrics once per process).
        let arguments = ["podguard-fuzz"] + flags + ["--print-config"]
        guard case .exit(let code, let output, _) = try? PodguardApplication.make(
            configInfo, schema: configSchema, arguments: arguments, environment: environment)
        else { return fuzzExpect(false, "--print-config built an application") }
        guard code == 0, !output.isEmpty else { return }
        // The same file and environment through ConfigLoader.load, as every service's start-up
        // does, to reach the typed accessors and the ladder parser with validated values.
        guard let configuration = try? ConfigLoader.load(
            schema: ConfigSchema.common.merging(configSchema), file: configFilePath, environment: environment, flags: [:])
        else { return }
        for key in configSchema.keys {
            // Each key through the accessor of its kind (another accessor is a programming error).
            switch key.kind {
            case .string, .oneOf: _ = configuration.string(key.name)
            case .int: _ = configuration.int(key.name)
            case .double: _ = configuration.double(key.name)
            case .bool: _ = configuration.bool(key.name)
            case .duration: _ = configuration.duration(key.name)
            case .stringList: _ = configuration.stringList(key.name)
            }
        }
        _ = configuration.rendered()
        _ = try? RemediationLadders(configuration)
    }

    static let driverConfig = FuzzTarget(
        "driver-config",
        "podmon's driver-config-params.yaml (then '%%' and environment lines): DriverConfigParams.parse(_:environment:), logLevel(for:), PodmonCompatibility.reloaded"
    ) { bytes in
        let sections = FuzzInput.sections(String(decoding: bytes, as: UTF8.self), count: 2)
        var environment: [String: String] = [:]
        for line in sections[1].split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let params = try? DriverConfigParams.parse(sections[0], environment: environment) else { return }
        let defaults = DriverConfigParams()
        _ = (params.logLevel(for: .controller), params.logLevel(for: .node))
        _ = PodmonCompatibility.reloaded(old: defaults.pollInterval, new: params.pollInterval, startValue: .seconds(15))
        _ = PodmonCompatibility.reloaded(old: defaults.lossThreshold, new: params.lossThreshold, startValue: 3)
        if let interval = params.pollInterval { _ = DurationParser.format(interval) }
        // A value that parsed is a whole number above 0, as podmon's viper rule says.
        fuzzExpect((params.lossThreshold ?? 1) > 0, "loss threshold \(String(describing: params.lossThreshold)) accepted")
        fuzzExpect((params.pollInterval ?? .seconds(1)) > .zero, "poll interval \(String(describing: params.pollInterval)) accepted")
    }
}
