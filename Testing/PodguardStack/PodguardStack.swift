public import ArrayFamily
public import Bus
import BusService
public import Contracts
import CSISimulator
import Foundation
public import Harness
public import Kube
import Logging
public import NodeSimulator
import Synchronization
import TestSupport

/// Everything podguard needs, for real, on this machine: a nats-server with JetStream and
/// podguard's topology, the shared Kubernetes control plane, a simulated cluster (nodes, kubelets,
/// CSI plugins over simulated arrays, container runtimes), and every podguard service as its own OS
/// process — watcher, array-prober, decision, fencing, one node-cleanup per node, one controller
/// adapter per family and one node adapter per node × family — plus an ``InvariantAuditor``.
///
/// ```swift
/// let stack = try await PodguardStack.start(PodguardStackConfiguration(nodes: 3, families: [.powerflex]))
/// defer { await stack.stop() }
/// try await stack.cluster.inject(.interfaceDown, on: node)
/// ...
/// let violations = await stack.auditor.violations()      // the four safety invariants (docs/end-to-end-tests.md)
/// ```
/// Independent of any test framework: the demo and the failover benchmarks drive it too.
public final class PodguardStack: Sendable {
    public let configuration: PodguardStackConfiguration
    /// The NATS server (the first member when the bus is a cluster).
    public let nats: NATSServerProcess
    /// The three-server bus of `configuration.natsServers > 1`.
    public let natsCluster: NATSCluster?
    /// Users, permissions and TLS of the bus (`configuration.busSecurity`).
    public let busSecurity: StackBusSecurity?
    /// The Helm chart installed for the services' configuration and Kubernetes identities
    /// (`configuration.chartIdentities`).
    public let chart: ChartRelease?
    public let plane: KubeControlPlane
    public let kube: KubeClient
    public let cluster: SimulatedCluster
    /// An admin connection to the bus (the auditor's and the tests').
    public let bus: BusConnection
    public let topology: BusTopology
    public let auditor: InvariantAuditor
    /// Logs of every process, the driver config params file.
    public let directory: URL
    /// Every process, by id.
    public let processes: [ServiceID: ServiceProcess]
    /// The nodes' simulated BMCs (`configuration.nodeBMCs`).
    public let bmcs: NodeBMCs?
    /// Alertmanager and the webhook alert-relay delivers to (`configuration.alertRelay`).
    public let alertReceivers: StackAlertReceivers?
    /// The proxy between the services and the API server (`configuration.kubeFaultProxy`).
    public let apiFaults: KubeFaultProxy?
    private let pidRegistry: PIDRegistry
    private let reaper: pid_t?
    private let stopped = Mutex(false)
    private let ioActive = Mutex<Set<String>>([])
    /// Namespaces made by ``makeNamespace(_:)`` and not deleted yet.
    let namespacesMade = Mutex<[String]>([])

    /// The zone (and node-name prefix) of the simulated nodes.
    public var zone: String { cluster.configuration.zone }
    public var nodeNames: [String] { cluster.nodeNames }

    /// Every NATS server's client URL.
    public var busURLs: [String] { natsCluster?.urls ?? [nats.url] }

    private init(configuration: PodguardStackConfiguration, nats: NATSServerProcess, natsCluster: NATSCluster?,
                 busSecurity: StackBusSecurity?, chart: ChartRelease?, plane: KubeControlPlane, kube: KubeClient,
                 cluster: SimulatedCluster, bus: BusConnection, topology: BusTopology, auditor: InvariantAuditor,
                 directory: URL, processes: [ServiceID: ServiceProcess], bmcs: NodeBMCs?, alertReceivers: StackAlertReceivers?,
                 apiFaults: KubeFaultProxy?, pidRegistry: PIDRegistry, reaper: pid_t?) {
        self.configuration = configuration
        self.nats = nats
        self.natsCluster = natsCluster
        self.busSecurity = busSecurity
        self.chart = chart
        self.plane = plane
        self.kube = kube
        self.cluster = cluster
        self.bus = bus
        self.topology = topology
        self.auditor = auditor
        self.directory = directory
        self.processes = processes
        self.bmcs = bmcs
        self.alertReceivers = alertReceivers
        self.apiFaults = apiFaults
        self.pidRegistry = pidRegistry
        self.reaper = reaper
    }

    /// The namespace of a family's simulated CSI driver node pods (one per family, as Dell's charts,
    /// named after the driver's short name; the generic driver's name is a domain, not a DNS label,
    /// so its family's name).
    public static func driverNamespace(_ family: ArrayFamilyID) -> String {
        family == .generic ? "podguard-sim-\(family.rawValue)" : "podguard-sim-\(FamilyCatalog.family(family).taintStem)"
    }

    /// Starts everything and waits until every service's `/readyz` is true. On failure, whatever
    /// started is stopped again and the error carries the logs' tails.
    public static func start(_ configuration: PodguardStackConfiguration,
                             logger: Logger = Logger(label: "podguard.stack")) async throws -> PodguardStack {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("podguard-stack-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The attach/detach controller notices a VolumeAttachment deleted by fencing only when it
        // re-syncs its actual state (every minute by default); a replacement pod waits for that.
        // Only takes effect if the shared control plane is not running yet.
        if ProcessInfo.processInfo.environment["PODGUARD_EXTRA_KCM_FLAGS"] == nil {
            setenv("PODGUARD_EXTRA_KCM_FLAGS", "--attach-detach-reconcile-sync-period=5s", 1)
        }
        let plane = try await KubeControlPlane.shared()
        let topology = BusTopology(replicas: min(3, max(1, configuration.natsServers)))
        let security = configuration.busSecurity
            ? try await StackBusSecurity.make(topology: topology, families: configuration.families, directory: directory) : nil
        let serverOptions = NATSServerProcess.Options(accounts: security?.accountsBlock, tls: security?.certificates)
        let natsCluster = configuration.natsServers > 1
            ? try await NATSCluster.start(size: configuration.natsServers, options: serverOptions) : nil
        let nats: NATSServerProcess
        if let natsCluster { nats = natsCluster.members[0] } else { nats = try await NATSServerProcess.start(serverOptions) }
        let urls = natsCluster?.urls ?? [nats.url]
        func stopBus() { if let natsCluster { natsCluster.stop() } else { nats.stop() } }
        let bus: BusConnection
        do {
            // The administrator installs the topology; the services only bind to it.
            let options = security?.options(for: .administrator, servers: urls, name: "podguard-stack")
                ?? BusOptions(servers: urls, name: "podguard-stack")
            bus = try await BusConnection.connect(options, logger: logger)
            try await bus.waitUntilConnected(timeout: .seconds(10))
            // A cluster answers JetStream only once its members have elected a meta leader.
            let deadline = ContinuousClock.now + .seconds(60)
            while true {
                do {
                    try await TopologyInstaller.ensure(topology, on: try bus.jetStream(), logger: logger)
                    break
                } catch where natsCluster != nil && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
        } catch {
            stopBus()
            throw error
        }

        var kubeConfiguration = try KubeClientConfiguration.fromKubeconfig(path: plane.kubeconfigPath)
        kubeConfiguration.queriesPerSecond = 200
        kubeConfiguration.burst = 400
        let kube = try KubeClient(configuration: kubeConfiguration, logger: logger)

        let prefix = configuration.namePrefix ?? "pg\(String(UInt32.random(in: 0...UInt32.max), radix: 36).prefix(5))"
        var simConfiguration = SimulatedClusterConfiguration(nodes: configuration.nodes, namePrefix: prefix,
                                                             families: configuration.families)
        for family in configuration.families { simConfiguration.driverNamespaces[family] = driverNamespace(family) }
        var simLogger = logger
        simLogger.logLevel = .warning
        // The simulated cluster, the BMCs and the chart's release: on a failure, whatever of them
        // started is undone with the bus and the client, in reverse order.
        var started: (cluster: SimulatedCluster?, bmcs: NodeBMCs?, chart: ChartRelease?, alerts: StackAlertReceivers?,
                      apiFaults: KubeFaultProxy?) = (nil, nil, nil, nil, nil)
        do {
            if configuration.kubeFaultProxy { started.apiFaults = try await KubeFaultProxy.start(plane: plane, logger: logger) }
            if configuration.alertRelay { started.alerts = try await StackAlertReceivers.start(directory: directory, logger: logger) }
            let cluster = try await SimulatedCluster.start(client: kube, configuration: simConfiguration, logger: simLogger)
            started.cluster = cluster
            if configuration.nodeBMCs {
                started.bmcs = try await NodeBMCs.start(cluster: cluster, kube: kube, externalRemediation: configuration.externalRemediation,
                                                        logger: logger)
            }
            if configuration.chartIdentities {
                started.chart = try await ChartRelease.install(release: "pg-\(prefix)", namespace: "podguard-\(prefix)",
                                                               families: configuration.families, plane: plane,
                                                               fenceAgentSecretNamespace: started.bmcs?.secretNamespace,
                                                               directory: directory.appendingPathComponent("chart"))
            }
        } catch {
            started.alerts?.stop()
            await started.apiFaults?.stop()
            await started.bmcs?.stop()
            await started.cluster?.stop()
            await bus.close()
            stopBus()
            try? await kube.shutdown()
            throw error
        }
        guard let cluster = started.cluster else { preconditionFailure("the simulated cluster started") }
        let (bmcs, chart, alertReceivers, apiFaults) = (started.bmcs, started.chart, started.alerts, started.apiFaults)
        let pidRegistry = PIDRegistry(file: directory.appendingPathComponent("pids"))
        for pid in natsCluster?.processIdentifiers ?? [nats.processIdentifier].compactMap({ $0 }) { pidRegistry.add(pid) }
        if let pid = alertReceivers?.alertmanager.processIdentifier { pidRegistry.add(pid) }
        let reaper = pidRegistry.startReaper()
        let auditor = InvariantAuditor(kube: kube, cluster: cluster, bus: bus, topology: topology,
                                       families: configuration.families)
        let processes = try makeProcesses(configuration, cluster: cluster, busURLs: urls, security: security, topology: topology,
                                          chart: chart, plane: plane, bmcs: bmcs, alertReceivers: alertReceivers, apiFaults: apiFaults,
                                          directory: directory,
                                          pidRegistry: pidRegistry)
        let stack = PodguardStack(configuration: configuration, nats: nats, natsCluster: natsCluster, busSecurity: security,
                                  chart: chart, plane: plane, kube: kube, cluster: cluster,
                                  bus: bus, topology: topology, auditor: auditor, directory: directory, processes: processes,
                                  bmcs: bmcs, alertReceivers: alertReceivers, apiFaults: apiFaults, pidRegistry: pidRegistry, reaper: reaper)
        do {
            try stack.writeDriverConfigParams(skip: configuration.skipArrayConnectionValidation)
            try await auditor.start()
            if configuration.statefulClusterReplicas > 0 { try await StatefulClusterFiles.installCRD(plane, kube: kube) }
            for process in processes.values.sorted(by: { $0.id < $1.id }) { try process.start() }
            try await stack.waitUntilReady(timeout: .seconds(120))
        } catch {
            let tails = stack.diagnostics(lines: 15)
            await stack.stop()
            throw StackError("stack did not start: \(error)\n\(tails)")
        }
        return stack
    }

    // MARK: Processes

    private static func makeProcesses(_ configuration: PodguardStackConfiguration, cluster: SimulatedCluster,
                                      busURLs: [String], security: StackBusSecurity?, topology: BusTopology, chart: ChartRelease?,
                                      plane: KubeControlPlane, bmcs: NodeBMCs?, alertReceivers: StackAlertReceivers?,
                                      apiFaults: KubeFaultProxy?, directory: URL,
                                      pidRegistry: PIDRegistry) throws -> [ServiceID: ServiceProcess] {
        var result: [ServiceID: ServiceProcess] = [:]
        // The flags override the chart's configuration file where the stack's differ (loopback
        // only, a free port, short intervals).
        let common = ["--http.host", "127.0.0.1", "--http.port", "0", "--log.level", configuration.logLevel, "--shutdown.gracePeriod", "5s"]
        let bus = ["--bus.servers", busURLs.joined(separator: ","), "--bus.streamReplicas", "\(topology.replicas)"]
        // Leases live where the chart's Roles allow them (its release namespace).
        let leaseNamespace = chart?.namespace ?? "default"
        func add(_ role: ServiceID.Role, _ qualifier: String, _ executable: String, _ flags: [String]) throws {
            let id = ServiceID(role, qualifier)
            let name = "\(role.rawValue)-\(qualifier)".replacingOccurrences(of: "@", with: "-")
            // The StatefulCluster controller is not on the bus.
            let principal = role.busPrincipal(qualifier: qualifier)
            let busFlags = principal.map { bus + ["--bus.name", name] + (security?.flags(for: $0) ?? []) } ?? []
            let chartService = role.chartService(qualifier: qualifier)
            let fileFlags = chart?.configFiles[chartService].map { ["--config", $0.path] } ?? []
            let kubeconfig = chart?.kubeconfig(of: chartService) ?? URL(fileURLWithPath: plane.kubeconfigPath)
            let kubeFlags = role.usesKubernetes ? ["--kube.kubeconfig", try apiFaults?.rewrite(kubeconfig, into: chart?.directory ?? directory).path ?? kubeconfig.path] : []
            result[id] = ServiceProcess(id: id, executable: try findExecutable(executable),
                                        arguments: fileFlags + common + busFlags + kubeFlags + flags + (configuration.extraFlags[role] ?? []),
                                        environment: principal.flatMap { security?.environment(for: $0) } ?? [:],
                                        logFile: directory.appendingPathComponent("\(name).log"), pidRegistry: pidRegistry)
        }
        let families = configuration.families.map { FamilyCatalog.family($0) }
        let driverNamespaces = configuration.families.map { "\(driverNamespace($0))=\(FamilyCatalog.family($0).csiDriverName)" }
        let lease = "podguard-watcher-\(cluster.configuration.zone)"
        for index in 1...max(1, configuration.watcherReplicas) {
            try add(.watcher, "watcher-\(index)", "podguard-watcher", [
                "--watcher.identity", "watcher-\(index)", "--watcher.leaseName", lease, "--watcher.leaseNamespace", leaseNamespace,
                "--watcher.leaseDuration", configuration.watcherLeaseDuration, "--watcher.renewDeadline", "4s",
                "--watcher.retryPeriod", "1s", "--watcher.driverPods.namespaces", driverNamespaces.joined(separator: ","),
                "--watcher.reconcileEvery", "30s",
            ])
        }
        for index in 1...max(1, configuration.proberReplicas) {
            try add(.arrayProber, "prober-\(index)", "podguard-array-prober", [
                "--prober.replicaID", "prober-\(index)", "--prober.pollInterval", configuration.proberPollInterval,
                "--prober.lossThreshold", "\(configuration.lossThreshold)", "--prober.probeTimeout", "3s",
            ])
        }
        for index in 1...max(1, configuration.decisionReplicas) {
            try add(.decision, "decision-\(index)", "podguard-decision", [
                "--decision.reevaluateEvery", configuration.reevaluateEvery, "--decision.retryAfterAbort", configuration.retryAfterAbort,
                "--policy.storm.maxFencedNodeShare", configuration.maxFencedNodeShare,
                "--podmon.driverConfigParams", directory.appendingPathComponent("driver-config-params.yaml").path,
                "--podmon.reloadInterval", "500ms",
            ])
        }
        for index in 1...max(1, configuration.fencingReplicas) {
            try add(.fencing, "fencing-\(index)", "podguard-fencing", [
                "--fencing.replicaID", "fencing-\(index)", "--fencing.ackWait", configuration.fencingAckWait,
                "--fencing.takeoverAfter", configuration.fencingTakeoverAfter, "--fencing.retry.initialDelay", "200ms",
                "--fencing.retry.maxDelay", "2s", "--fencing.validateTimeout", "5s", "--fencing.unpublishTimeout", "20s",
                "--remediation.pollInterval", "500ms",
            ] + (configuration.remediationLadder.map { ["--remediation.ladder", $0] } ?? [])
              + (configuration.remediationLadders.isEmpty ? [] : ["--remediation.ladders", configuration.remediationLadders.joined(separator: ",")])
              + (bmcs?.fencingFlags ?? []))
        }
        for index in stride(from: 1, through: configuration.statefulClusterReplicas, by: 1) {
            try add(.statefulCluster, "statefulcluster-\(index)", "podguard-statefulcluster", [
                "--statefulCluster.identity", "statefulcluster-\(index)", "--statefulCluster.leaseNamespace", leaseNamespace,
                "--statefulCluster.leaseDuration", "6s", "--statefulCluster.renewDeadline", "4s", "--statefulCluster.retryPeriod", "1s",
                "--statefulCluster.notReadyTimeout", configuration.statefulClusterNotReadyTimeout,
            ])
        }
        if let alertReceivers {
            try add(.alertRelay, "alert-relay-1", "podguard-alert-relay", ["--relay.instance", "alert-relay-1"] + alertReceivers.relayFlags)
        }
        for node in cluster.nodeNames {
            try add(.nodeCleanup, node, "podguard-node-cleanup", [
                "--cleanup.nodeName", node, "--cleanup.instance", node,
                "--cleanup.stabilityWindow", configuration.cleanupStabilityWindow, "--cleanup.apiCheckInterval", "1s",
                "--cleanup.retryInitialDelay", "1s", "--cleanup.retryMaxDelay", "4s", "--cleanup.adapterCallTimeout", "10s",
                "--cleanup.adapterReplyTimeout", "30s", "--cleanup.containerCheckTimeout", "5s",
                "--cleanup.requireBootIDChangeAfterZombies", configuration.cleanupRequireBootIDChangeAfterZombies ? "true" : "false",
            ])
        }
        for family in families {
            guard let backend = cluster.backends[family.id] else { continue }
            let executable = "podguard-adapter-\(family.id.rawValue)"
            // The generic adapter serves whichever driver it is told (Dell adapters know theirs).
            let adapterFlags = ["--adapter.csiProbeInterval", "500ms", "--adapter.pendingRetryWait", "1s"]
                + (family.id == .generic ? ["--adapter.driverName", family.csiDriverName] : [])
            try add(.controllerAdapter, family.id.rawValue, executable, adapterFlags + [
                "--adapter.mode", "controller", "--adapter.csiSocket", "unix://\(backend.controllerSocket)",
                "--adapter.instance", "\(family.id.rawValue)-controller",
            ])
            for node in cluster.nodeNames {
                guard let plugin = backend.node(node) else { continue }
                let criSocket = try cluster.snapshot(of: node).criSocket
                try add(.nodeAdapter, "\(family.id.rawValue)@\(node)", executable, adapterFlags + [
                    "--adapter.mode", "node", "--adapter.csiSocket", "unix://\(plugin.socketPath)", "--adapter.nodeName", node,
                    "--adapter.criEndpoint", "unix://\(criSocket)", "--adapter.instance", "\(family.id.rawValue)-\(node)",
                ])
            }
        }
        return result
    }

    /// An executable of the build products directory (beside the test bundle or this executable).
    public static func findExecutable(_ name: String) throws -> URL {
        let starts = [CommandLine.arguments.first { $0.contains(".xctest") }, CommandLine.arguments.first].compactMap { $0 }
        for start in starts {
            var directory = URL(fileURLWithPath: start).deletingLastPathComponent()
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw StackError("executable \(name) not found beside \(starts); run `swift build` first")
    }

    /// The process with this id (a precondition: it exists).
    public func process(_ id: ServiceID) -> ServiceProcess {
        guard let process = processes[id] else { preconditionFailure("no process \(id) in this stack") }
        return process
    }

    public func process(_ role: ServiceID.Role, _ qualifier: String) -> ServiceProcess { process(ServiceID(role, qualifier)) }

    /// Every process of a role, by qualifier.
    public func processes(_ role: ServiceID.Role) -> [ServiceProcess] {
        processes.values.filter { $0.id.role == role }.sorted { $0.id < $1.id }
    }

    /// Waits until every given process (default: all that should run) answers `/readyz` with 200.
    public func waitUntilReady(_ only: [ServiceProcess]? = nil, timeout: Duration = .seconds(90)) async throws {
        let targets = only ?? processes.values.filter(\.isRunning).sorted { $0.id < $1.id }
        try await Wait.until("every service ready (\(targets.count) processes)", timeout: timeout, every: .milliseconds(300)) {
            for process in targets {
                if process.exitedUnexpectedly { throw StackError("\(process.id) exited:\n\(process.logTail(lines: 30))") }
                if !(await process.isReady()) { return false }
            }
            return true
        } onTimeout: {
            var notReady: [String] = []
            for process in targets where !(await process.isReady()) { notReady.append(process.id.description) }
            return "not ready: \(notReady.joined(separator: ", "))"
        }
    }

    /// Processes that died without being stopped through their handle.
    public func crashedProcesses() -> [ServiceProcess] {
        processes.values.filter(\.exitedUnexpectedly).sorted { $0.id < $1.id }
    }

    // MARK: Knobs

    private var driverConfigParamsFile: URL { directory.appendingPathComponent("driver-config-params.yaml") }

    private func writeDriverConfigParams(skip: Bool) throws {
        let text = "PODMON_SKIP_ARRAY_CONNECTION_VALIDATION: \"\(skip)\"\n"
        try text.write(to: driverConfigParamsFile, atomically: true, encoding: .utf8)
    }

    /// Changes podmon's `PODMON_SKIP_ARRAY_CONNECTION_VALIDATION` in the driver config params file
    /// decision follows, and waits until every decision replica logged that it took the value.
    public func setSkipArrayConnectionValidation(_ skip: Bool, timeout: Duration = .seconds(30)) async throws {
        let before = processes(.decision).map { $0.log.components(separatedBy: "skipArrayConnectionValidation changed").count }
        try writeDriverConfigParams(skip: skip)
        try await Wait.until("decision replicas applied skipArrayConnectionValidation=\(skip)", timeout: timeout) {
            zip(self.processes(.decision), before).allSatisfy { process, count in
                !process.isRunning || process.log.components(separatedBy: "skipArrayConnectionValidation changed").count > count
            }
        }
    }

    /// I/O on a simulated volume (the array then reports I/O in progress for it); the auditor
    /// checks that no pod is force-deleted while I/O on one of its volumes is on.
    public func setIO(volume handle: String, family: ArrayFamilyID, active: Bool) {
        cluster.backends[family]?.array.inject(.io(volume: handle, active: active))
        auditor.recordIO(volume: handle, active: active)
    }

    /// Every path of `node` to the family's arrays goes down (or comes back), the node itself healthy.
    public func setArrayPaths(of node: String, family: ArrayFamilyID, down: Bool) {
        guard let backend = cluster.backends[family] else { return }
        for array in backend.array.arrays { backend.array.inject(.path(host: node, array: array, down: down)) }
    }

    // MARK: Diagnostics and teardown

    /// The tail of every process's log and the auditor's timeline, for a failing test's report.
    public func diagnostics(lines: Int = 25) -> String {
        var text = "==== podguard stack \(directory.path) ====\n"
        for process in processes.values.sorted(by: { $0.id < $1.id }) {
            text += "---- \(process.id) (starts: \(process.starts), running: \(process.isRunning)) ----\n"
            text += process.logTail(lines: lines) + "\n"
        }
        text += "---- auditor timeline ----\n" + auditor.timeline.suffix(200).joined(separator: "\n") + "\n"
        return text
    }

    /// At process exit (no awaiting possible): SIGKILL every service and stop nats-server.
    public func killEverything() {
        for process in processes.values { process.kill() }
        alertReceivers?.alertmanager.stop()
        if let natsCluster { natsCluster.stop() } else { nats.stop() }
        if let reaper { kill(reaper, SIGKILL) }
    }

    /// Stops every process (SIGTERM, then SIGKILL), the auditor, the simulated cluster, the bus
    /// and nats-server, and deletes the logs unless `keepLogs`. Idempotent.
    public func stop(keepLogs: Bool = false) async {
        guard !stopped.withLock({ value in defer { value = true }; return value }) else { return }
        auditor.stop()
        let running = processes.values.filter(\.isRunning)
        // SIGTERM all at once, then reap each (a graceful stop is what they are built for).
        for process in running { if let pid = process.pid { kill(pid, SIGTERM) } }
        for process in running { process.stop(timeout: .seconds(10)) }
        await bmcs?.stop()
        if let bmcs { try? await kube.delete(Namespace.self, name: bmcs.secretNamespace) }
        alertReceivers?.stop()
        await apiFaults?.stop()
        await cluster.stop()
        await bus.close()
        if let natsCluster { natsCluster.stop() } else { nats.stop() }
        await chart?.uninstall(plane: plane)
        try? await kube.shutdown()
        if let reaper { kill(reaper, SIGKILL); var status: Int32 = 0; waitpid(reaper, &status, 0) }
        if !keepLogs { try? FileManager.default.removeItem(at: directory) }
    }
}

/// A failure of the stack or of a wait, with what was seen.
public struct StackError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polling waits with generous deadlines: a bound on how long to wait for a condition, never an
/// assertion on speed.
public enum Wait {
    public static func until(_ what: String, timeout: Duration = .seconds(90), every interval: Duration = .milliseconds(250),
                             _ condition: () async throws -> Bool,
                             onTimeout: () async -> String = { "" }) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: interval)
        }
        if try await condition() { return }
        let detail = await onTimeout()
        throw StackError("timed out after \(timeout) waiting for \(what)\(detail.isEmpty ? "" : ": \(detail)")")
    }
}
