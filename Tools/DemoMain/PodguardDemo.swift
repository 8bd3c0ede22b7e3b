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
    private let stack = Mutex<PodguardStack?>(nil)
    private let timeline = Mutex<FailoverTimeline?>(nil)
    private let stopped = Mutex(false)
    /// Wall time of the fault injection: event times are printed relative to it.
    private let zero = Mutex<Date?>(nil)
    private let triggerSeen = Mutex<Set<String>>([])

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
        c.line()
        zero.withLock { $0 = nil }   // the namespace's deletion is housekeeping, not part of the story
        timeline.stop()
        await stack.deleteNamespacesMade()
        if !violations.isEmpty || !crashed.isEmpty { throw StackError("the demo saw broken invariants or crashed services") }
    }

    private var expectedProcesses: Int { 4 + nodeCount + families.count * (1 + nodeCount) }

    private func describe(_ fault: NodeFault) -> String {
        switch fault {
        case .interfaceDown: "network interface down — heartbeats stop, its paths to every array drop, its containers keep running"
        case .kubeletDown: "kubelet down — heartbeats stop, its containers keep running and writing"
        case .reboot: "reboots and stays down — containers and mounts gone"
        case .driverPodDown: "CSI driver node pods down"
        }
    }

    // MARK: Live events

    private func show(_ event: FailoverEvent) {
        guard let zero = zero.withLock({ $0 }) else { return }
        let c = console
        let offset = event.at.timeIntervalSince(zero)
        func emit(_ source: String, _ text: String, _ style: Console.Style = .blue) {
            c.line(c.paint(String(format: "  %+6.2f s  ", offset), .bold) + c.paint(source.padding(toLength: 10, withPad: " ", startingAt: 0), style) + text)
        }
        switch event.kind {
        case .nodeReady(let node, let status, let reason):
            var text = "node \(node) Ready → \(status)\(reason.isEmpty ? "" : " (\(reason))")"
            if event.kind.isNodeFailureTrigger(on: node), triggerSeen.withLock({ $0.insert(node).inserted }) {
                text += c.paint("   ← the Kubernetes trigger (summary times start here)", .yellow)
            }
            emit("apiserver", text)
        case .taintAdded(let node, let key, let effect):
            var text = "node \(node) tainted \(key):\(effect)"
            if event.kind.isNodeFailureTrigger(on: node), triggerSeen.withLock({ $0.insert(node).inserted }) {
                text += c.paint("   ← the Kubernetes trigger (summary times start here)", .yellow)
            }
            emit("apiserver", text)
        case .taintRemoved(let node, let key, let effect):
            emit("apiserver", "node \(node) untainted \(key):\(effect)", key.hasSuffix(".podmon.storage.dell.com") ? .green : .blue)
        case .podNotReady(let pod):
            emit("apiserver", "pod \(pod.name) not Ready (on \(pod.node))")
        case .podRunning(let pod):
            emit("apiserver", "pod \(pod.name) Running and Ready on \(pod.node) (new uid \(pod.uid.prefix(8)))", .green)
        case .podTerminating(let pod, let grace):
            emit("apiserver", "pod \(pod.name) terminating (grace \(grace) s)")
        case .podDeleted(let pod, let forced):
            emit("apiserver", "pod \(pod.name) \(forced ? "force-deleted (grace 0)" : "deleted") from \(pod.node)", .magenta)
        case .attachmentDeleted(let pv, let node):
            emit("apiserver", "VolumeAttachment of \(pv) to \(node) deleted (the volume may attach elsewhere)")
        case .decision(let record):
            let subject = record.rule == .driverPodDown ? "node \(record.nodeName) (driver pod \(record.pod.name))"
                : record.pod.name.isEmpty ? "node \(record.nodeName)" : record.pod.name
            emit("decision", "\(subject): rule \(Self.ruleName(record.rule)) → \(Self.outcomeName(record.outcome))", .magenta)
        case .fencePhase(let record, let transition):
            emit("fencing", "\(record.pod.name): \(Self.phaseText(transition, record: record))", transition.phase == .aborted ? .red : .magenta)
        case .cleanup(let report):
            let pods = report.pods.map { "\($0.pod.name)=\($0.outcome)" }.joined(separator: ", ")
            let result = report.taintRemoved
                ? "taints removed: \(report.taintsRemoved.map { $0.key }.joined(separator: ", "))"
                : "taint kept: \(report.taintKeptReason)"
            emit("cleanup", "node-cleanup on \(report.nodeName), attempt \(report.attempt): pods [\(pods)]; \(result)", report.taintRemoved ? .green : .yellow)
        }
    }

    static func ruleName(_ rule: Podguard_V1_DecisionRecord.Rule) -> String {
        switch rule {
        case .nodeUnreachableTaint: "NODE_UNREACHABLE_TAINT"
        case .podguardTaint: "PODGUARD_TAINT"
        case .driverOfflineTaint: "DRIVER_OFFLINE_TAINT"
        case .arrayConnectivityLoss: "ARRAY_CONNECTIVITY_LOSS"
        case .crashLoopBackOff: "CRASH_LOOP_BACK_OFF"
        case .driverPodDown: "DRIVER_POD_DOWN"
        default: "\(rule)"
        }
    }

    static func outcomeName(_ outcome: Podguard_V1_DecisionRecord.Outcome) -> String {
        switch outcome {
        case .fenceRequested: "FenceRequest published"
        case .taintRequested: "NodeTaintRequest published"
        case .withheldStormLimit: "withheld (storm limit)"
        case .withheldDryRun: "withheld (dry run)"
        case .refused: "refused"
        default: "\(outcome)"
        }
    }

    static func phaseText(_ transition: Podguard_V1_FencePhaseTransition, record: Podguard_V1_FenceRecord) -> String {
        switch transition.phase {
        case .requested: return "REQUESTED — FenceRecord created, FenceRequest on the work queue"
        case .validated: return "VALIDATED — the arrays say \(record.nodeName) is not connected and no I/O is in progress"
        case .fenced: return "FENCED — ControllerUnpublishVolume done for \(record.volumes.count) volume(s): the array refuses \(record.nodeName)"
        case .tainted:
            let taints = record.taintsApplied.map { taint in
                let effect = "\(taint.effect)"
                return "\(taint.key):\(effect.prefix(1).uppercased())\(effect.dropFirst())"
            }
            return "TAINTED — \(record.nodeName) tainted \(taints.isEmpty ? "(already there)" : taints.joined(separator: ", "))"
        case .attachmentsDeleted: return "ATTACHMENTS_DELETED — pod gone, its VolumeAttachments to \(record.nodeName) deleted"
        case .eventRecorded: return "EVENT_RECORDED — Warning Event on the pod (podmon's text)"
        case .podDeleted: return "POD_DELETED — force-deleted (grace 0, uid precondition), volumes unpublished once more: the fence holds"
        case .aborted: return "ABORTED — \(record.abortReason): \(record.abortMessage)"
        default: return "\(transition.phase)"
        }
    }

    // MARK: Summary

    private func summary(stack: PodguardStack, timeline: FailoverTimeline, target: String, old: [DeployedPod],
                         moved: [String: DeployedPod], failClock: ContinuousClock.Instant, returnClock: ContinuousClock.Instant) {
        let c = console
        c.line()
        c.line(c.paint("Summary", .bold) + c.paint(" — seconds after the Kubernetes trigger (\(target) Ready → Unknown or its unreachable taint, whichever a watch showed first)", .dim))
        let phases = old.map { timeline.phases(of: PodReference(namespace: $0.namespace, name: $0.name, uid: $0.uid, node: $0.node), since: failClock) }
        let header = ["pod", "moved to", "decision", "validated", "fenced", "tainted", "force-deleted", "VA deleted", "Running again"]
        var rows: [[String]] = []
        for phase in phases {
            rows.append([
                phase.pod.name, phase.replacementNode ?? moved[phase.pod.name]?.node ?? "?",
                Seconds.text(phase.sinceTrigger(phase.decision)),
                Seconds.text(phase.sinceTrigger(phase.phases[.validated])),
                Seconds.text(phase.sinceTrigger(phase.phases[.fenced])),
                Seconds.text(phase.sinceTrigger(phase.phases[.tainted])),
                Seconds.text(phase.sinceTrigger(phase.deleted)),
                Seconds.text(phase.sinceTrigger(phase.phases[.attachmentsDeleted])),
                Seconds.text(phase.sinceTrigger(phase.replacement)),
            ])
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func render(_ row: [String]) -> String {
            "  " + row.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                           : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        c.line(c.paint(render(header), .bold))
        rows.forEach { c.line(render($0)) }

        let trigger = timeline.first(since: failClock) { $0.isNodeFailureTrigger(on: target) }
        let zeroDate = zero.withLock { $0 } ?? Date()
        let detection = trigger.map { $0.at.timeIntervalSince(zeroDate) }
        let deletes = phases.compactMap { $0.sinceTrigger($0.deleted) }
        let runs = phases.compactMap { $0.sinceTrigger($0.replacement) }
        c.line()
        c.line("  fault → trigger (the node controller's grace period, not podguard): \(Seconds.text(detection))")
        if let worst = deletes.max() {
            c.line("  trigger → every pod force-deleted (podguard's reaction): \(Seconds.text(worst)) for \(deletes.count) pod(s)")
        }
        if let worst = runs.max(), let detection {
            c.line("  trigger → every replacement Running (incl. the StatefulSet controller, scheduler, attach): \(Seconds.text(worst)); fault → all Running \(Seconds.text(detection + worst))")
        }
        // The node's return.
        let ready = timeline.first(since: returnClock) {
            if case .nodeReady(let node, let status, _) = $0 { return node == target && status == "True" }
            return false
        }
        let unreachableGone = timeline.first(since: returnClock) {
            if case .taintRemoved(let node, let key, _) = $0 { return node == target && key == "node.kubernetes.io/unreachable" }
            return false
        }
        let untainted = timeline.events.filter { event in
            guard event.observed >= returnClock, case .taintRemoved(let node, let key, _) = event.kind else { return false }
            return node == target && key.hasSuffix(".podmon.storage.dell.com")
        }.last
        if let ready {
            let base = ready.at
            c.line("  node back: Ready again → unreachable taint gone \(Seconds.text(unreachableGone.map { $0.at.timeIntervalSince(base) })) → podguard taints removed by node-cleanup \(Seconds.text(untainted.map { $0.at.timeIntervalSince(base) })) (includes cleanup.stabilityWindow \(stack.configuration.cleanupStabilityWindow))")
        }
        c.line(c.paint("  decision/fencing times are the services' own stamps; trigger, force-delete and Running are when this process's watches saw them", .dim))
        c.line(c.paint("  (a decision can precede the trigger: the watcher's watch may deliver before this one, and with interface-down the array-prober's", .dim))
        c.line(c.paint("  loss verdict taints the node before Kubernetes notices; the simulated arrays add no latency here)", .dim))
    }
}
