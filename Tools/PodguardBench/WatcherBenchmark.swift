import ArgumentParser
import Bus
import BusService
import Contracts
import Foundation
import Harness
import Kube
import Logging
import PodguardStack
import Synchronization

/// The watcher scale figures of the "benchmarks" issue: initial sync time and peak memory of a
/// `podguard-watcher` process at 1,000 nodes / 30,000 protected pods, against a real control plane
/// (started for the run) and a real nats-server with JetStream.
struct WatcherBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watcher",
        abstract: "podguard-watcher initial sync time and peak memory at scale (real apiserver, real nats-server)."
    )

    @Option(help: "Nodes to create.")
    var nodes: Int = 1_000

    @Option(help: "Protected pods to create, each with one PVC bound to one CSI PV.")
    var pods: Int = 30_000

    @Option(help: "Kubernetes requests in flight while creating the objects.")
    var concurrency: Int = 48

    @Flag(help: "Also create one attached VolumeAttachment per volume.")
    var attachments = false

    @Option(help: "Seconds to wait for the watcher to fill both buckets before giving up.")
    var timeout: Int = 600

    /// The process environment the Helm chart gives every podguard container (templates/_helpers.tpl,
    /// `podguard.env`): glibc's per-thread malloc arenas otherwise hold freed memory of the initial
    /// list in a dozen arenas (measured: peak RSS 381 MB without, 335 MB with, at 1,000 / 30,000).
    static let deploymentEnvironment = ["MALLOC_ARENA_MAX": "2"]

    @OptionGroup var kube: KubeVersionOption

    func run() async throws {
        kube.select()
        var logger = Logger(label: "podguard-bench")
        logger.logLevel = .warning
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("podguard-bench-watcher-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        note("starting a control plane and a nats-server (JetStream) for the watcher benchmark")
        // Controllers that would write during the measurement are left out: nodelifecycle would
        // mark every node (nobody heartbeats) and then all 30,000 pods not ready; the PV binder
        // would rewrite every PV and PVC. The benchmark writes their statuses once itself.
        let plane = try await KubeControlPlane.start(extraEnvironment: [
            "PODGUARD_KCM_CONTROLLERS": "serviceaccount,serviceaccount-token",
        ])
        // Its daemons run in their own sessions: stop them even if this process is killed.
        plane.stopWhenProcessEnds()
        var cleanup = Cleanup(plane: plane)
        do {
            let server = try await NATSServerProcess.start(jetStream: true)
            cleanup.server = server
            let figures = try await measure(plane: plane, server: server, work: work, cleanup: &cleanup, logger: logger)
            await cleanup.run()
            print(figures.render())
            try? FileManager.default.removeItem(at: work)
        } catch {
            await cleanup.run()
            note("watcher benchmark failed: \(error); logs kept in \(work.path)")
            throw error
        }
    }

    /// What to stop, in order, whatever happened.
    struct Cleanup {
        let plane: KubeControlPlane
        var server: NATSServerProcess?
        var watcher: ServiceProcess?
        var connection: BusConnection?
        var client: KubeClient?

        func run() async {
            watcher?.stop()
            await connection?.close()
            try? await client?.shutdown()
            server?.stop()
            plane.stop()
        }
    }

    private func measure(plane: KubeControlPlane, server: NATSServerProcess, work: URL, cleanup: inout Cleanup,
                         logger: Logger) async throws -> FigureTable {
        let connection = try await BusConnection.connect(BusOptions(servers: [server.url], name: "bench-watcher-observer"), logger: logger)
        cleanup.connection = connection
        try await connection.waitUntilConnected(timeout: .seconds(10))
        let js = try connection.jetStream()
        let topology = BusTopology.standard
        try await TopologyInstaller.ensure(topology, on: js, logger: logger)

        var configuration = try KubeClientConfiguration.fromKubeconfig(path: plane.kubeconfigPath)
        configuration.queriesPerSecond = 100_000
        configuration.burst = 100_000
        var kubeLogger = Logger(label: "podguard-bench.kube")
        kubeLogger.logLevel = .error
        let client = try KubeClient(configuration: configuration, logger: kubeLogger)
        cleanup.client = client

        note("creating \(Format.grouped(nodes)) nodes and \(Format.grouped(pods)) protected pods (\(concurrency) requests in flight)")
        let population = try await ClusterPopulation(client: client, nodes: nodes, pods: pods, concurrency: concurrency,
                                                     attachments: attachments).run { note($0) }
        if population.failures > 0 {
            note("\(population.failures) objects could not be created; first: \(population.firstFailure ?? "?")")
        }

        // Count the keys as the watcher writes them: every KeyValue put is a message on $KV.<bucket>.<key>.
        let nodeKeys = KeyCounter(expected: population.nodes)
        let podKeys = KeyCounter(expected: population.pods)
        let nodeSubscription = try connection.subscribe(to: topology.nodesBucket.allKeysSubject, bufferCapacity: 1_000_000)
        let podSubscription = try connection.subscribe(to: topology.podsBucket.allKeysSubject, bufferCapacity: 1_000_000)
        try await connection.flush(timeout: .seconds(5))
        let counting = [
            Task { for await message in nodeSubscription { nodeKeys.saw(message.subject) } },
            Task { for await message in podSubscription { podKeys.saw(message.subject) } },
        ]
        defer { counting.forEach { $0.cancel() } }

        let httpPort = try FreePort.loopback()
        note("starting podguard-watcher (http port \(httpPort))")
        let pids = PIDRegistry(file: work.appendingPathComponent("pids"))
        _ = pids.startReaper()  // SIGKILLs the watcher if the benchmark dies before stopping it
        let watcher = ServiceProcess(id: ServiceID(.watcher, "bench"), executable: try PodguardStack.findExecutable("podguard-watcher"), arguments: [
            "--kube.kubeconfig", plane.kubeconfigPath, "--bus.servers", server.url,
            "--http.host", "127.0.0.1", "--http.port", "\(httpPort)", "--log.level", "info",
            "--watcher.identity", "bench-watcher", "--watcher.leaseNamespace", "default",
        ], environment: Self.deploymentEnvironment, logFile: work.appendingPathComponent("watcher.log"), pidRegistry: pids)
        try watcher.start()
        cleanup.watcher = watcher
        let started = watcher.startedAt ?? .now

        let clock = ContinuousClock()
        let deadline = started + .seconds(timeout)
        var readyAfter: Duration?
        var peakSampled = 0
        var lastReport = clock.now
        while clock.now < deadline {
            guard !watcher.exitedUnexpectedly else {
                throw BenchError("podguard-watcher exited during the benchmark; log: \(watcher.logFile.path)")
            }
            if let memory = watcher.memory() { peakSampled = max(peakSampled, memory.residentBytes) }
            if readyAfter == nil, await watcher.isReady() {
                readyAfter = clock.now - started
            }
            if readyAfter != nil, nodeKeys.completedAt != nil, podKeys.completedAt != nil { break }
            if clock.now - lastReport >= .seconds(10) {
                lastReport = clock.now
                note("  watcher at \(Int(Format.seconds(clock.now - started))) s: ready \(readyAfter != nil), "
                     + "keys \(Format.grouped(nodeKeys.count)) nodes, \(Format.grouped(podKeys.count)) pods, RSS \(Format.megabytes(peakSampled)) peak")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Settle a little: the steady-state size after the first sync, and the final peak.
        let syncedAt = [nodeKeys.completedAt, podKeys.completedAt].compactMap { $0 }.max()
        let settleUntil = clock.now + .seconds(5)
        var settled = 0
        while clock.now < settleUntil, watcher.isRunning {
            if let memory = watcher.memory() { settled = memory.residentBytes; peakSampled = max(peakSampled, settled) }
            try await Task.sleep(for: .milliseconds(100))
        }
        let peak = max(watcher.memory()?.peakResidentBytes ?? 0, peakSampled)
        let cpu = watcher.cpuSeconds() ?? 0
        let nodesInBucket = try await js.streamInfo("KV_\(topology.nodesBucket.name)").messages
        let podsInBucket = try await js.streamInfo("KV_\(topology.podsBucket.name)").messages
        watcher.stop()

        let syncTime = syncedAt.map { $0 - started }
        // Pods, PVCs, PVs, VolumeAttachments, nodes and driver node pods: what the six informers list.
        let objectsCreated = population.nodes + population.driverPods + population.pods + population.volumes * 2
            + population.attachments
        let version = (try? await client.serverVersion().gitVersion) ?? "?"
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var table = FigureTable(title: "podguard watcher benchmark (real kube-apiserver \(version) and nats-server on loopback; \(cores) cores)")
        table.add("cluster: nodes / protected pods", value: "\(Format.grouped(population.nodes)) / \(Format.grouped(population.pods))",
                  target: nodes == 1_000 && pods == 30_000 ? "" : "(asked: \(Format.grouped(nodes)) / \(Format.grouped(pods)))")
        table.add("  + PVCs / PVs / VolumeAttachments / driver node pods",
                  value: "\(Format.grouped(population.volumes)) / \(Format.grouped(population.volumes)) / "
                      + "\(Format.grouped(population.attachments)) / \(Format.grouped(population.driverPods))")
        table.add("  object creation (informational)",
                  value: String(format: "%.1f s, %@ requests/s", Format.seconds(population.duration),
                                Format.grouped(Int(Double(population.requests) / Format.seconds(population.duration)))))
        table.add("watcher start → /readyz (caches synced)", value: readyAfter.map(Format.secondsText) ?? "not within \(timeout) s")
        table.add("watcher start → all keys in podguard-nodes, podguard-pods",
                  value: syncTime.map(Format.secondsText) ?? "not within \(timeout) s",
                  target: "< 30 s", met: syncTime.map { $0 < .seconds(30) } ?? false)
        table.add("  keys in the buckets: nodes / pods",
                  value: "\(Format.grouped(Int(nodesInBucket))) / \(Format.grouped(Int(podsInBucket)))",
                  target: "\(Format.grouped(population.nodes)) / \(Format.grouped(population.pods))")
        if let syncTime {
            table.add("  objects/s (Kubernetes objects watched ÷ sync time)",
                      value: Format.grouped(Int(Double(objectsCreated) / Format.seconds(syncTime))))
            table.add("  snapshots/s (keys written ÷ sync time)",
                      value: Format.grouped(Int(Double(population.nodes + population.pods) / Format.seconds(syncTime))))
        }
        table.add("watcher peak RSS (VmHWM)", value: Format.megabytes(peak), target: "< 300 MB", met: peak < 300_000_000)
        table.add("  RSS 5 s after the sync", value: Format.megabytes(settled))
        table.add("  watcher CPU time until then", value: String(format: "%.1f s", cpu))
        table.add("  watcher environment", value: Self.deploymentEnvironment.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
                      + " (as the Helm chart)")
        return table
    }

    private func note(_ text: String) {
        FileHandle.standardError.write(Data("[bench] \(text)\n".utf8))
    }
}

/// Distinct keys seen on a bucket's subjects, and when the expected number was reached.
final class KeyCounter: Sendable {
    private let state = Mutex<(keys: Set<String>, completedAt: ContinuousClock.Instant?)>(([], nil))
    let expected: Int

    init(expected: Int) {
        self.expected = expected
    }

    func saw(_ subject: String) {
        state.withLock { state in
            state.keys.insert(subject)
            if state.completedAt == nil, state.keys.count >= expected { state.completedAt = .now }
        }
    }

    var count: Int { state.withLock { $0.keys.count } }
    var completedAt: ContinuousClock.Instant? { state.withLock { $0.completedAt } }
}
