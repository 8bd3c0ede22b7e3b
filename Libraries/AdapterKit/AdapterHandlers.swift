import ArrayFamily
import Contracts
import CSI
import Logging

/// Executes the plans of `AdapterPlanner` against the driver and builds the replies. One instance
/// per running adapter; the bus dispatch (`AdapterService`) stamps headers and counts metrics.
struct AdapterHandlers: Sendable {
    let family: any ArrayFamily
    let mode: AdapterMode
    let planner: AdapterPlanner
    let client: CSIClient
    let health: CSIHealthMonitor
    let hints: AdapterErrorMapping.RetryHints
    let containers: (any ContainerRuntime)?
    let logger: Logger

    /// ProbeRequest: CSI Probe + GetPluginInfo + the extension probe (+ NodeGetInfo in node mode).
    func probe(_ request: Podguard_V1_ProbeRequest) async -> Podguard_V1_ProbeReply {
        var reply = Podguard_V1_ProbeReply()
        reply.family = AdapterSubjects.contractFamily(family.id)
        let deadline = AdapterPlanner.deadline(request.hasTimeout ? Duration(request.timeout) : nil,
                                               default: family.deadlines.identity)
        do throws(CSIError) {
            let ready = try await client.probe(deadline: deadline)
            let info = try await client.pluginInfo(deadline: deadline)
            let presence = await client.probeExtension(deadline: deadline)
            health.record(.answered(ready: ready, extension: presence))
            reply.ready = ready
            reply.driverName = info.name
            reply.vendorVersion = info.vendorVersion
            if case .present = presence { reply.extensionPresent = true }
            if mode.nodeName != nil {
                reply.csiNodeID = try await client.nodeInfo(deadline: deadline).nodeID
            }
        } catch {
            if error.method == "Probe" { health.record(.failed(error)) }
            reply.error = AdapterErrorMapping.from(error, hints: hints)
        }
        return reply
    }
}
