import ArrayFamily
import Contracts
import CRI
import CSI
import Logging

extension AdapterHandlers {
    /// NodeUnpublishRequest: NodeUnpublishVolume under the pending rule; an error the family
    /// excludes from cleanup (Unity's missing NFS share) counts as done, as in podmon.
    func nodeUnpublish(_ request: Podguard_V1_NodeUnpublishRequest) async -> Podguard_V1_NodeUnpublishReply {
        var reply = Podguard_V1_NodeUnpublishReply()
        do throws(InvalidAdapterRequest) {
            let plan = try planner.nodeUnpublish(request)
            if let error = await excludingCleanupErrors({ () async throws(CSIError) in
                try await client.nodeUnpublish(volumeID: plan.volumeID, targetPath: plan.targetPath, deadline: plan.deadline)
            }) {
                reply.error = error
            }
        } catch {
            reply.error = AdapterErrorMapping.invalidRequest(error.message)
        }
        return reply
    }

    /// NodeUnstageRequest: NodeUnstageVolume at each staging path in order (podmon does not retry
    /// it); the first failure that the family does not exclude is the answer.
    func nodeUnstage(_ request: Podguard_V1_NodeUnstageRequest) async -> Podguard_V1_NodeUnstageReply {
        var reply = Podguard_V1_NodeUnstageReply()
        do throws(InvalidAdapterRequest) {
            let plan = try planner.nodeUnstage(request)
            for path in plan.stagingPaths {
                if let error = await excludingCleanupErrors({ () async throws(CSIError) in
                    try await client.nodeUnstage(volumeID: plan.volumeID, stagingTargetPath: path, deadline: plan.deadline)
                }) {
                    reply.error = error
                    break
                }
            }
        } catch {
            reply.error = AdapterErrorMapping.invalidRequest(error.message)
        }
        return reply
    }

    /// ListContainersRequest: answered by the container runtime (CRI) when one is configured, else
    /// UNIMPLEMENTED (node-cleanup then assumes containers may still run).
    func listContainers(_ request: Podguard_V1_ListContainersRequest) async -> Podguard_V1_ListContainersReply {
        var reply = Podguard_V1_ListContainersReply()
        guard let containers else {
            reply.error = AdapterErrorMapping.error(
                .unimplemented,
                "no container runtime configured (adapter.criEndpoint is empty): containers unknown, assume they may run")
            return reply
        }
        let deadline = AdapterPlanner.deadline(request.hasTimeout ? Duration(request.timeout) : nil, default: .seconds(10))
        do {
            reply.containers = try await containers.listContainers(podUIDs: request.podUids, deadline: deadline)
        } catch let error as CRIError {
            reply.error = AdapterErrorMapping.from(error, hints: hints)
        } catch {
            reply.error = AdapterErrorMapping.error(.transient, "listing containers failed: \(error)",
                                                    retryAfter: hints.transient)
        }
        return reply
    }

    /// Runs a node call; nil on success or on an error the family excludes from cleanup.
    private func excludingCleanupErrors(_ body: () async throws(CSIError) -> Void) async -> Podguard_V1_AdapterError? {
        do throws(CSIError) {
            try await body()
            return nil
        } catch {
            if family.isExcludedCleanupError(error.message) {
                logger.info("ignoring an error the family excludes from node cleanup",
                            metadata: ["method": "\(error.method)", "error": "\(error.message)"])
                return nil
            }
            return AdapterErrorMapping.from(error, hints: hints)
        }
    }
}
