import Foundation
import Harness
import Hummingbird
import Kube
import Logging
import NodeSimulator
import Synchronization
import TestSupport

/// One simulated BMC per simulated node: OpenIPMI's `ipmi_sim` on 127.0.0.1 whose chassis control
/// runs `podguard-node-sim chassis`, which switches that node's power through the node simulator's
/// control API (served here, for the stack's in-process cluster). A fence agent powering a node
/// off takes it down (heartbeats, containers, array sessions); powering it on boots it with a new
/// boot ID. Each node's fence agent Secret (`<secretPrefix><node>` in `secretNamespace`) is
/// written as an operator would.
public final class NodeBMCs: Sendable {
    public let bmcs: [String: IPMISimulatorProcess]
    public let secretNamespace: String
    public let secretPrefix = "bmc-"
    /// The `FenceAgentsRemediationTemplate` fencing's external step creates its CRs from (in
    /// `secretNamespace`), when the stack has the external step.
    public let remediationTemplate: String?
    private let server: LoopbackHTTPServer

    private init(bmcs: [String: IPMISimulatorProcess], secretNamespace: String, remediationTemplate: String?, server: LoopbackHTTPServer) {
        self.bmcs = bmcs
        self.secretNamespace = secretNamespace
        self.remediationTemplate = remediationTemplate
        self.server = server
    }

    /// Serves the control API, starts a BMC per node and writes their Secrets; with
    /// `externalRemediation`, installs medik8s's Fence Agents Remediation CRDs and a template.
    static func start(cluster: SimulatedCluster, kube: KubeClient, externalRemediation: Bool, logger: Logger) async throws -> NodeBMCs {
        var quiet = logger
        quiet.logLevel = .warning
        let server = try await LoopbackHTTPServer.start("the node simulator's control API",
                                                        responder: NodeSimulatorControlAPI.router(for: cluster).buildResponder(), logger: quiet)
        let port = server.port
        let nodeSim = try PodguardStack.findExecutable("podguard-node-sim").path
        var bmcs: [String: IPMISimulatorProcess] = [:]
        do {
            for node in cluster.nodeNames {
                bmcs[node] = try await IPMISimulatorProcess.start(
                    password: "bmc-\(UUID().uuidString.prefix(8))",
                    chassisHook: "\(nodeSim) chassis --control http://127.0.0.1:\(port) --node \(node)")
            }
            let namespace = "podguard-bmc-\(cluster.configuration.zone)"
            _ = try await kube.create(Namespace(name: namespace))
            var template: String?
            if externalRemediation {
                template = try await Medik8sCRDs.installTemplate(kube, namespace: namespace)
            }
            let made = NodeBMCs(bmcs: bmcs, secretNamespace: namespace, remediationTemplate: template, server: server)
            for (node, bmc) in bmcs { _ = try await kube.create(made.secret(for: bmc, node: node)) }
            return made
        } catch {
            for bmc in bmcs.values { bmc.stop() }
            server.cancel()
            throw error
        }
    }

    /// The fence agent Secret of `node` (`password` and `port` override the BMC's).
    public func secret(for bmc: IPMISimulatorProcess, node: String, password: String? = nil, port: Int? = nil) -> Secret {
        bmc.fenceAgentSecret(name: "\(secretPrefix)\(node)", namespace: secretNamespace, password: password, port: port)
    }

    /// The flags that point fencing at these Secrets. A simulated BMC answers in a second or two;
    /// one that does not answer at all is given up after 15 s (the agent killed), not a minute.
    var fencingFlags: [String] {
        ["--remediation.fenceAgent.secretNamespace", secretNamespace, "--remediation.fenceAgent.secretPrefix", secretPrefix,
         "--remediation.fenceAgent.timeout", "15s"]
            + (remediationTemplate.map { ["--remediation.external.template", $0] } ?? [])
    }

    func stop() async {
        for bmc in bmcs.values { bmc.stop() }
        await server.stop()
    }
}
