import NodeSimulator
import Testing

/// The per-node state machine, without a control plane.
@Suite struct NodeLifecycleTests {
    @Test func faultsAndRecoveries() {
        #expect(NodeLifecycle.healthy.injecting(.kubeletDown) == .kubeletDown)
        #expect(NodeLifecycle.kubeletDown.injecting(.interfaceDown) == .interfaceDown)
        #expect(NodeLifecycle.interfaceDown.injecting(.kubeletDown) == nil)
        #expect(NodeLifecycle.kubeletDown.injecting(.reboot) == .rebooting)
        #expect(NodeLifecycle.rebooting.injecting(.reboot) == nil)
        #expect(NodeLifecycle.kubeletDown.recovering(.kubeletDown) == .healthy)
        #expect(NodeLifecycle.kubeletDown.recovering(.interfaceDown) == nil)
        #expect(NodeLifecycle.rebooting.recovering(.reboot) == .healthy)
        #expect(NodeLifecycle.healthy.recovering(.kubeletDown) == nil)
    }

    @Test func whatRunsInEachState() {
        #expect(NodeLifecycle.kubeletDown.containersRunning && !NodeLifecycle.kubeletDown.kubeletRunning)
        #expect(NodeLifecycle.kubeletDown.pathsUp)
        #expect(!NodeLifecycle.interfaceDown.pathsUp && NodeLifecycle.interfaceDown.containersRunning)
        #expect(!NodeLifecycle.rebooting.containersRunning)
    }
}
