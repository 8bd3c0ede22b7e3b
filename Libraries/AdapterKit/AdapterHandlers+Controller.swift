import ArrayFamily
import Contracts
import CSI
import Logging

extension AdapterHandlers {
    /// ValidateHostConnectivityRequest: one podmon call per array, concurrently, combined.
    func validateHostConnectivity(_ request: Podguard_V1_ValidateHostConnectivityRequest) async
        -> Podguard_V1_ValidateHostConnectivityReply
    {
        let plan: AdapterPlan.Validate
        do throws(InvalidAdapterRequest) {
            plan = try planner.validate(request, cold: !health.snapshot.warm)
        } catch {
            var reply = Podguard_V1_ValidateHostConnectivityReply()
            reply.error = AdapterErrorMapping.invalidRequest(error.message)
            reply.extensionPresent = family.hasPodmonExtension
            return reply
        }
        guard !plan.queries.isEmpty else { return ConnectivityReplyBuilder.noExtension(family: family) }

        let results = await withTaskGroup(of: (Int, QueryResult).self) { group in
            for (index, query) in plan.queries.enumerated() {
                group.addTask { [client] in
                    do throws(CSIError) {
                        let answer = try await client.validateVolumeHostConnectivity(
                            nodeID: plan.nodeID, volumeIDs: query.volumeIDs, arrayID: query.requestArrayID,
                            deadline: plan.deadline)
                        return (index, QueryResult(query: query, result: .success(answer)))
                    } catch {
                        return (index, QueryResult(query: query, result: .failure(error)))
                    }
                }
            }
            var results: [(Int, QueryResult)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let reply = ConnectivityReplyBuilder.reply(family: family, results: results, hints: hints)
        if !reply.hasError { health.checked() }
        return reply
    }

    /// ControllerUnpublishRequest: ControllerUnpublishVolume under the pending rule (the CSI client
    /// retries "…pending" errors with the configured wait).
    func controllerUnpublish(_ request: Podguard_V1_ControllerUnpublishRequest) async -> Podguard_V1_ControllerUnpublishReply {
        var reply = Podguard_V1_ControllerUnpublishReply()
        do {
            let plan = try planner.controllerUnpublish(request)
            try await client.controllerUnpublish(volumeID: plan.volumeID, nodeID: plan.nodeID, deadline: plan.deadline)
            logger.info("volume unpublished from node", metadata: [
                "volume": "\(plan.volumeID)", "node": "\(request.nodeName)", "fence": "\(request.fenceID)",
            ])
        } catch let error as InvalidAdapterRequest {
            reply.error = AdapterErrorMapping.invalidRequest(error.message)
        } catch let error as CSIError {
            reply.error = AdapterErrorMapping.from(error, hints: hints)
        } catch {
            reply.error = AdapterErrorMapping.error(.permanent, "\(error)")
        }
        return reply
    }
}
