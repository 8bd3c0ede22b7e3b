import ArrayFamily
import Foundation
import PodguardStack
import Synchronization
import Testing

/// One running stack at a time, shared by the scenarios that can use the same one (they take their
/// own namespaces and nodes); asking for another kind stops the previous one. The last one is killed
/// when the test process exits.
actor SharedStacks {
    static let shared = SharedStacks()
    private var current: (key: String, stack: PodguardStack)?
    private static let atExit = Mutex<PodguardStack?>(nil)

    /// Five families on four nodes: every family's adapters, one node can fail while three serve.
    static let allFamilies: PodguardStackConfiguration = {
        var configuration = PodguardStackConfiguration(nodes: 4, families: [.powerflex, .powerstore, .powerscale, .powermax, .unity])
        configuration.namePrefix = nil
        configuration.statefulClusterReplicas = 2
        // The services reach the API server through the fault proxy (the chaos scenario's 429 and
        // 500 bursts); untouched, it only passes requests on.
        configuration.kubeFaultProxy = true
        return configuration
    }()

    func stack(_ key: String, _ configuration: @autoclosure () -> PodguardStackConfiguration) async throws -> PodguardStack {
        if let current, current.key == key { return current.stack }
        if let previous = current {
            self.current = nil
            await previous.stack.stop()
        }
        let stack = try await PodguardStack.start(configuration())
        current = (key, stack)
        Self.atExit.withLock { slot in
            if slot == nil { atexit { SharedStacks.atExit.withLock { $0 }?.killEverything() } }
            slot = stack
        }
        return stack
    }

    /// Stops the shared stack (a test that needs a stack of its own calls this first).
    func release() async {
        if let current {
            self.current = nil
            await current.stack.stop()
        }
    }

    /// A stack of its own for one test, stopped when `body` ends however it ends.
    static func with<T: Sendable>(_ configuration: PodguardStackConfiguration,
                                  _ body: (PodguardStack) async throws -> T) async throws -> T {
        await shared.release()
        let stack = try await PodguardStack.start(configuration)
        atExit.withLock { slot in
            if slot == nil { atexit { SharedStacks.atExit.withLock { $0 }?.killEverything() } }
            slot = stack
        }
        do {
            let result = try await body(stack)
            await stack.stop()
            return result
        } catch {
            await stack.stop()
            throw error
        }
    }
}

extension PodguardStack {
    /// Runs one scenario: on failure, records the logs' tails and the auditor's timeline; at the
    /// end asserts the four safety invariants (docs/end-to-end-tests.md) and that no service crashed.
    func scenario(_ name: String, sourceLocation: SourceLocation = #_sourceLocation,
                  _ body: () async throws -> Void) async throws {
        let started = ContinuousClock.now
        // Stacks are shared: only this scenario's refusals are its own.
        let earlierDenials = busPermissionDenials().count
        print("[e2e] \(name): start (logs in \(directory.path))")
        do {
            try await body()
        } catch {
            Issue.record("\(name): \(error)\n\(diagnostics())", sourceLocation: sourceLocation)
            await deleteNamespacesMade()
            throw error
        }
        await deleteNamespacesMade()
        let violations = await auditor.violations()
        #expect(violations.isEmpty, "\(name): invariants broken:\n\(violations.joined(separator: "\n"))\n\(diagnostics())",
                sourceLocation: sourceLocation)
        let denials = busPermissionDenials().dropFirst(earlierDenials)
        #expect(denials.isEmpty, "\(name): the NATS server refused podguard's services:\n\(denials.joined(separator: "\n"))",
                sourceLocation: sourceLocation)
        let crashed = crashedProcesses()
        #expect(crashed.isEmpty, "\(name): processes exited: \(crashed.map(\.id))\n\(diagnostics())", sourceLocation: sourceLocation)
        print("[e2e] \(name): \(ContinuousClock.now - started)")
    }
}

/// A test-side check that throws (so a scenario stops at the first broken expectation).
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw StackError(message()) }
}
