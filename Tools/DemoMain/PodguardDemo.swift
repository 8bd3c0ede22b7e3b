import ArgumentParser
import ArrayFamily
import Contracts
import Foundation
import Harness
import Kube
import Logging
import CSISimulator
import NodeSimulator
import PodguardStack
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `podguard-demo`: the local demo on the embedded default. Starts a nats-server with JetStream,
/// the real Kubernetes test control plane, simulated nodes and arrays of the five families and
/// every podguard service as its own process; deploys one protected StatefulSet per family; fails
/// a node and prints each step of the failover as it happens, then the node's return and cleanup,
/// and a one-screen summary. It stops everything it started, also on Ctrl-C (SIGINT) or SIGTERM.
@main
struct PodguardDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podguard-demo",
        abstract: "Fails a simulated node under protected StatefulSets and shows podguard moving them, step by step."
    )

    @Option(help: "Simulated nodes (at least 2: one fails, the others take its pods).")
    var nodes: Int = 4

    @Option(help: "Array families, one protected StatefulSet each (powerflex, powerstore, powerscale, powermax, unity).")
    var families: [String] = ["powerflex", "powerstore", "powerscale", "powermax", "unity"]

    @Option(help: "The fault: interface-down (network gone, array paths drop), kubelet-down or reboot.")
    var fault: String = "interface-down"

    @Option(help: "Kubernetes of the control plane: 1.28, 1.20, newest or oldest (default: $PODGUARD_KUBE_VERSION, else the newest; binaries from `make control-plane`).")
    var kubeVersion: String?

    @Option(help: "Colors: auto (only when stdout is a terminal), always, never.")
    var color: String = "auto"

    @Flag(help: "Keep the services' logs (their directory is printed) instead of deleting them.")
    var keepLogs = false

    @Flag(help: "Print podguard's own warnings and the harness's logs on stderr.")
    var verbose = false

    func run() async throws {
        let console = Console(color: color)
        let interrupts = Interrupts()
        let mainTask = Mutex<Task<Void, any Error>?>(nil)
        let demoRun = Mutex<DemoRun?>(nil)
        // First of all, Ctrl-C / SIGTERM: cancel the run (every wait in it is cancellable), then stop
        // everything. A second one kills what is left at once. A caught signal (not SIG_IGN, not a
        // blocked mask) so that the children, which inherit ignored signals and masks across exec,
        // still stop on SIGTERM.
        SignalPipe.install(SIGINT, SIGTERM) { number in
            if interrupts.received(number) == 1 {
                console.line()
                console.step("stop", "\(number == SIGINT ? "interrupted (SIGINT)" : "SIGTERM"): stopping everything the demo started (again to kill at once)", .yellow)
                mainTask.withLock { $0 }?.cancel()
            } else {
                demoRun.withLock { $0 }?.killEverything()
                KubeControlPlane.stopShared()
                Glibc.exit(130)
            }
        }
        guard nodes >= 2 else { throw ValidationError("--nodes must be at least 2") }
        if let kubeVersion { KubeControlPlane.selectVersion(kubeVersion) }
        let familyIDs = try families.map { name -> ArrayFamilyID in
            guard let id = ArrayFamilyID(rawValue: name) else { throw ValidationError("unknown family \(name)") }
            return id
        }
        guard let nodeFault = NodeFault(rawValue: fault), nodeFault != .driverPodDown else {
            throw ValidationError("--fault must be interface-down, kubelet-down or reboot")
        }
        let verbose = verbose
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .info : .error
            return handler
        }

        let demo = DemoRun(console: console, nodes: nodes, families: familyIDs, fault: nodeFault, keepLogs: keepLogs)
        demoRun.withLock { $0 = demo }
        let main = Task { try await demo.run(interrupts: interrupts) }
        mainTask.withLock { $0 = main }
        if interrupts.count > 0 { main.cancel() }   // a signal before the task existed
        let result = await main.result
        await demo.stopEverything()
        switch result {
        case .success:
            if interrupts.count > 0 { throw ExitCode(130) }
        case .failure(let error):
            if interrupts.count > 0 || error is CancellationError { throw ExitCode(130) }
            console.error("the demo failed: \(error)")
            throw ExitCode(1)
        }
    }
}

/// Signal handling without Dispatch: the handler only writes the signal number to a pipe
/// (async-signal-safe); a thread of its own reads it and calls the Swift handler.
enum SignalPipe {
    /// Created before any handler is installed (a global `let` is initialised once, thread-safely).
    static let descriptors: (read: Int32, write: Int32) = {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { fatalError("pipe: \(errno)") }
        return (fds[0], fds[1])
    }()
    private static let writeEnd: Int32 = descriptors.write

    static func install(_ numbers: Int32..., handler: @escaping @Sendable (Int32) -> Void) {
        _ = descriptors
        _ = writeEnd
        let readEnd = descriptors.read
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 { handler(Int32(byte)) } else if count < 0, errno == EINTR { continue } else { return }
            }
        }
        for number in numbers {
            signal(number) { received in
                var byte = UInt8(truncatingIfNeeded: received)
                _ = write(SignalPipe.writeEnd, &byte, 1)
            }
        }
    }
}

/// Signals received so far.
final class Interrupts: Sendable {
    private let numbers = Mutex<[Int32]>([])
    /// Records a signal; returns how many were received, this one included.
    func received(_ number: Int32) -> Int { numbers.withLock { $0.append(number); return $0.count } }
    var count: Int { numbers.withLock { $0.count } }
}

/// One run of the demo, holding what it started so that it can stop it from anywhere.
final class DemoRun: Sendable {
    let console: Console
    let nodeCount: Int
    let families: [ArrayFamilyID]
    let fault: NodeFault
    let keepLogs: Bool
    let stack = Mutex<PodguardStack?>(nil)
    let timeline = Mutex<FailoverTimeline?>(nil)
    let stopped = Mutex(false)
    /// Wall time of the fault injection: event times are printed relative to it.
    let zero = Mutex<Date?>(nil)
    let triggerSeen = Mutex<Set<String>>([])

    init(console: Console, nodes: Int, families: [ArrayFamilyID], fault: NodeFault, keepLogs: Bool) {
        self.console = console
        self.nodeCount = nodes
        self.families = families
        self.fault = fault
        self.keepLogs = keepLogs
    }

    // MARK: Teardown

    /// Stops the stack (every service process, the simulated cluster, nats-server) and the control
    /// plane. Idempotent; also right after an interrupted start.
    func stopEverything() async {
        guard !stopped.withLock({ value in defer { value = true }; return value }) else { return }
        timeline.withLock { $0 }?.stop()
        let started = ContinuousClock.now
        if let stack = stack.withLock({ $0 }) {
            console.step("stop", "stopping \(stack.processes.values.filter(\.isRunning).count) podguard processes, the simulated nodes and arrays, nats-server\(keepLogs ? " (logs kept in \(stack.directory.path))" : "")")
            await stack.stop(keepLogs: keepLogs)
        }
        console.step("stop", "stopping the Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler)")
        KubeControlPlane.stopShared()
        console.step("stop", "everything the demo started is stopped (\(Seconds.text(Seconds.of(ContinuousClock.now - started), decimals: 1)))", .green)
    }

    /// The second Ctrl-C: SIGKILL every service and nats-server, stop the control plane.
    func killEverything() {
        stack.withLock { $0 }?.killEverything()
        KubeControlPlane.stopShared()
    }

    // MARK: The run

    func run(interrupts: Interrupts) async throws {
        let c = console
        c.line(c.paint("podguard demo", .bold) + " — a node fails under protected StatefulSets; podguard fences it and moves the pods")
        c.line(c.paint("  machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; everything on loopback; times are wall-clock seconds after the fault", .dim))
        c.line()

        // 1. The embedded default.
        var configuration = PodguardStackConfiguration(nodes: nodeCount, families: families, namePrefix: "demo")
        configuration.logLevel = "info"
        c.step("setup", "starting the embedded default: nats-server with JetStream, the Kubernetes v1.20 control plane (etcd, kube-apiserver, controller-manager, scheduler), \(nodeCount) simulated nodes with kubelets, CSI plugins and container runtimes, simulated arrays of \(families.count) families, and every podguard service as its own process")
        let startClock = ContinuousClock.now
        let heartbeat = Task {
            var seconds = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                seconds += 10
                if Task.isCancelled { break }
                if interrupts.count > 0 {
                    c.step("stop", c.paint("… waiting for the start in progress to finish (the control plane's up.sh cannot be cut short), then stopping it (\(seconds) s)", .dim))
                    continue
                }
                c.step("setup", c.paint("… still starting (\(seconds) s): control plane up, then nats-server and podguard's streams and buckets, the simulated cluster, then \(self.expectedProcesses) service processes until each answers /readyz", .dim))
            }
        }
        let stack: PodguardStack
        do {
            stack = try await PodguardStack.start(configuration)
            heartbeat.cancel()
        } catch {
            heartbeat.cancel()
            throw error
        }
        self.stack.withLock { $0 = stack }
        try Task.checkCancellation()
        let roles = ServiceID.Role.allCases.map { role in "\(role.rawValue) ×\(stack.processes(role).count)" }
        c.step("setup", "ready in \(Seconds.text(Seconds.of(ContinuousClock.now - startClock), decimals: 1)): apiserver \(stack.plane.apiserverURL), nats \(stack.nats.url)", .green)
        c.line("        \(stack.processes.count) podguard processes: \(roles.joined(separator: ", "))")
        c.line("        nodes: \(stack.nodeNames.joined(separator: ", "))")

        // 2. Protected StatefulSets, one per family, all preferring the node that will fail.
        let target = stack.nodeNames[0]
        let namespace = try await stack.makeNamespace("demo")
        c.line()
        c.step("deploy", "namespace \(namespace): one protected StatefulSet per family (label podmon.dellemc.com/driver), each pod with a PersistentVolume on its family's simulated array, placed on \(target)")
        let workloads = families.map { ProtectedWorkload(name: "db-\($0.rawValue)", families: [$0], preferredNode: target) }
        var deployed: [(ProtectedWorkload, DeployedPod)] = []
        try await withThrowingTaskGroup(of: (ProtectedWorkload, DeployedPod).self) { group in
            for workload in workloads {
                group.addTask { (workload, try await stack.deploy(workload, namespace: namespace)[0]) }
            }
            for try await (workload, pod) in group {
                deployed.append((workload, pod))
                let family = FamilyCatalog.family(workload.families[0])
                c.step("deploy", "\(pod.name.padding(toLength: 16, withPad: " ", startingAt: 0)) Running on \(pod.node)   driver \(family.csiDriverName), volume \(pod.volumes[workload.families[0]] ?? "?")")
            }
        }
        deployed.sort { $0.1.name < $1.1.name }
        let onTarget = deployed.filter { $0.1.node == target }
        if onTarget.count < deployed.count {
            c.step("deploy", "\(deployed.count - onTarget.count) pod(s) were scheduled elsewhere; they are not affected by the failure", .yellow)
        }

        // 3. The timeline, printed as it happens.
        let timeline = stack.makeTimeline { [weak self] event in self?.show(event) }
        try await timeline.start()
        self.timeline.withLock { $0 = timeline }

        // 4. Fail the node.
        c.line()
        let failClock = ContinuousClock.now
        zero.withLock { $0 = Date() }
        try await stack.cluster.inject(fault, on: target)
        c.line(c.paint("  +0.00 s  ", .bold) + c.paint("fault     ", .red) + "\(target): \(describe(fault)) — the node controller marks it unreachable after its grace period (8 s here)")
        let old = onTarget.map { $0.1 }
        var moved: [String: DeployedPod] = [:]
        try await withThrowingTaskGroup(of: DeployedPod.self) { group in
            for (workload, pod) in onTarget {
                group.addTask { try await stack.waitForPods(workload, namespace: namespace, replacing: [pod], timeout: .seconds(240))[0] }
            }
            for try await pod in group { moved[pod.name] = pod }
        }
        try await Task.sleep(for: .milliseconds(300))   // let the last events of the move print

        // 5. The node returns.
        c.line()
        let returnClock = ContinuousClock.now
        let returnDate = Date()
        try await stack.cluster.recover(fault, on: target)
        c.line(c.paint(String(format: "  +%.2f s  ", returnDate.timeIntervalSince(zero.withLock { $0 } ?? returnDate)), .bold)
               + c.paint("recover   ", .green) + "\(target): \(fault == .reboot ? "boots again (new boot ID)" : "back on the network") — node-cleanup waits until it is stable, cleans what the moved pods left there, then removes the podguard taints")
        try await stack.waitUntilNodeClean(target, timeout: .seconds(180))
        try await Wait.until("node-cleanup recorded every moved pod cleaned", timeout: .seconds(120)) {
            old.allSatisfy { stack.auditor.fenceRecords(podUID: $0.uid).last?.nodeCleanup.cleaned == true }
        }
        try await Task.sleep(for: .milliseconds(500))

        // 6. Summary.
        summary(stack: stack, timeline: timeline, target: target, old: old, moved: moved, failClock: failClock, returnClock: returnClock)
        let violations = await stack.auditor.violations()
        let crashed = stack.crashedProcesses()
        c.line()
        if violations.isEmpty {
            c.step("safety", "the four safety invariants held (force delete only with a trigger and every volume fenced; taint removed only from a clean node; one remediation per pod; never two writers on a volume)", .green)
        } else {
            c.step("safety", "INVARIANTS BROKEN:\n  " + violations.joined(separator: "\n  "), .red)
        }
        if !crashed.isEmpty { c.step("safety", "processes that exited on their own: \(crashed.map(\.id.description))", .red) }

        // 7. What an operator sees: the alerts alert-relay delivered, and podguard explaining a move.
        c.line()
        try await showDeliveredAlerts(stack: stack, namespace: namespace)
        if let pod = old.first { try await showExplanation(stack: stack, namespace: namespace, pod: pod.name) }
        c.line()
        zero.withLock { $0 = nil }   // the namespace's deletion is housekeeping, not part of the story
        timeline.stop()
        await stack.deleteNamespacesMade()
        if !violations.isEmpty || !crashed.isEmpty { throw StackError("the demo saw broken invariants or crashed services") }
    }

    /// watcher, array-prober, decision, fencing, alert-relay; node-cleanup per node; adapters.
    var expectedProcesses: Int { 5 + nodeCount + families.count * (1 + nodeCount) }

    private func describe(_ fault: NodeFault) -> String {
        switch fault {
        case .interfaceDown: "network interface down — heartbeats stop, its paths to every array drop, its containers keep running"
        case .kubeletDown: "kubelet down — heartbeats stop, its containers keep running and writing"
        case .reboot: "reboots and stays down — containers and mounts gone"
        case .driverPodDown: "CSI driver node pods down"
        }
    }
}
