// The one description of who may do what on podguard's bus. The NATS server configuration
// (`NATSAuthorization`), the docs' table (`BusAccessTable`) and the tests' expectations all come
// from here; a service that needs another subject gets it here or not at all.

extension BusTopology {
    /// What `principal` may do, each grant with its reason.
    public func access(for principal: BusPrincipal) -> [BusAccess] {
        switch principal {
        case .watcher:
            [
                BusAccess(.bindTopology, "binds to podguard's streams and buckets at start"),
                BusAccess(.readBucket(podsBucket), "reads a PodState before replacing it (compare-and-set)"),
                BusAccess(.writeBucket(podsBucket), "owns PodState: the protected pods as the API server shows them"),
                BusAccess(.readBucket(nodesBucket), "reads a NodeState before replacing it (compare-and-set)"),
                BusAccess(.writeBucket(nodesBucket), "owns NodeState: nodes, taints, boot IDs, driver pods"),
                BusAccess(.publish([subjects.allPodStates, subjects.allNodeStates]),
                          "announces each change as a core message for live subscribers"),
            ]
        case .arrayProber:
            [
                BusAccess(.bindTopology, "binds to podguard's streams and buckets at start"),
                BusAccess(.readBucket(nodesBucket), "follows the nodes it must probe"),
                BusAccess(.readBucket(podsBucket), "follows the protected pods' volumes and families"),
                BusAccess(.readBucket(proberBucket), "sees the other replicas to share the nodes"),
                BusAccess(.writeBucket(proberBucket), "renews its membership lease"),
                BusAccess(.readBucket(connectivityBucket), "reads a verdict before replacing it"),
                BusAccess(.writeBucket(connectivityBucket), "owns ArrayConnectivity: each node's verdict per family"),
                BusAccess(.publish([subjects.allConnectivity]), "announces each verdict as a core message"),
                BusAccess(.request(adapterSubjects(.validateHostConnectivity)),
                          "asks the controller adapters whether a node reaches its arrays and does I/O"),
            ]
        case .decision:
            [
                BusAccess(.bindTopology, "binds to podguard's streams and buckets at start"),
                BusAccess(.readBucket(podsBucket), "follows the protected pods"),
                BusAccess(.readBucket(nodesBucket), "follows the nodes"),
                BusAccess(.readBucket(connectivityBucket), "follows the connectivity verdicts"),
                BusAccess(.readBucket(fencesBucket), "follows the remediations in flight (storm limits, re-queues)"),
                BusAccess(.writeBucket(fencesBucket),
                          "starts a FenceRecord (create only, so it can never overwrite a phase fencing wrote)"),
                BusAccess(.readBucket(controlBucket), "honours the pause switch"),
                BusAccess(.publishToStream(workStream, subjects: [subjects.allFenceRequests, subjects.allTaintRequests]),
                          "the only publisher of fence and taint requests"),
                BusAccess(.publishToStream(eventStream, subjects: [subjects.allDecisions]), "records each DecisionRecord"),
                BusAccess(.publishToStream(alertStream, subjects: [subjects.allAlerts]), "raises alerts"),
            ]
        case .fencing:
            [
                BusAccess(.bindTopology, "binds to podguard's streams and buckets at start"),
                BusAccess(.consume(fenceRequestConsumer, manage: true), "pulls fence work; owns the consumer's ack wait"),
                BusAccess(.consume(taintRequestConsumer, manage: true), "pulls taint requests; owns the consumer's ack wait"),
                BusAccess(.readBucket(podsBucket), "re-checks the pod against the live state before acting"),
                BusAccess(.readBucket(nodesBucket), "re-checks the node before acting"),
                BusAccess(.readBucket(connectivityBucket), "re-checks the connectivity verdict before acting"),
                BusAccess(.readBucket(fencesBucket), "follows the FenceRecords it advances"),
                BusAccess(.writeBucket(fencesBucket), "the only writer of fence phases after the start"),
                BusAccess(.readBucket(nodeRemediationsBucket), "follows the node remediation ladders"),
                BusAccess(.writeBucket(nodeRemediationsBucket), "owns NodeRemediationRecords"),
                BusAccess(.publishToStream(alertStream, subjects: [subjects.allAlerts]), "raises alerts"),
                BusAccess(.request(adapterSubjects(.validateHostConnectivity, .controllerUnpublish)),
                          "validates and fences through the controller adapters"),
            ]
        case .nodeCleanup:
            [
                BusAccess(.bindTopology, "binds to podguard's streams and buckets at start"),
                BusAccess(.readBucket(fencesBucket), "finds the pods fenced away from its node"),
                BusAccess(.writeBucket(fencesBucket), "writes the node_cleanup part of its node's records (compare-and-set)"),
                BusAccess(.readBucket(connectivityBucket), "waits for its node to reach the arrays again"),
                BusAccess(.readLastMessage(eventStream), "resumes from its node's last CleanupReport"),
                BusAccess(.publishToStream(eventStream, subjects: [subjects.allCleanups]), "records each CleanupReport"),
                BusAccess(.publishToStream(alertStream, subjects: [subjects.allAlerts]), "raises alerts"),
                BusAccess(.request(adapterSubjects(.nodeUnpublish, .nodeUnstage, .listContainers)),
                          "unpublishes and unstages through its node's adapters"),
            ]
        case .alertRelay:
            [
                BusAccess(.bindTopology, "binds to podguard's streams and buckets at start"),
                BusAccess(.consume(alertRelayConsumer, manage: true), "pulls every Alert; owns the consumer's ack wait"),
                BusAccess(.readBucket(alertDeliveriesBucket), "skips the receivers that already took a redelivered Alert"),
                BusAccess(.writeBucket(alertDeliveriesBucket), "owns the record of each Alert's receivers"),
                BusAccess(.readBucket(alertFiringBucket), "re-posts what fires to Alertmanager (which forgets alerts when it restarts)"),
                BusAccess(.writeBucket(alertFiringBucket), "owns the open conditions and the events still firing"),
            ]
        case .controllerAdapter(let family):
            [
                BusAccess(.serve([subjects.adapterControllerRequests(family: family)]),
                          "answers its family's controller requests; reads no state"),
            ]
        case .nodeAdapter(let family):
            [
                BusAccess(.serve(["\(subjects.root).adapter.\(PodguardSubjects.token(family)).node.*.*"]),
                          "answers its family's node requests on every node; reads no state"),
            ]
        case .observer:
            [
                BusAccess(.bindTopology, "looks up the streams it reads"),
                BusAccess(.subscribe([subjects.everything]), "sees every core message (podguard-tap)"),
                BusAccess(.readStream(alertStream), "reads alerts with history (subscribers in any language, dashboards)"),
                BusAccess(.readStream(eventStream), "reads DecisionRecords and CleanupReports"),
            ] + buckets.map { BusAccess(.readBucket($0), "reads the state for status tools") }
        case .administrator:
            [
                BusAccess(.administerTopology, "installs and upgrades the streams, consumers and buckets"),
                BusAccess(.publish([subjects.everything]), "operators' tools (test alerts, the pause switch)"),
                BusAccess(.subscribe([subjects.everything]), "operators' tools"),
            ] + buckets.flatMap { [BusAccess(.readBucket($0), "operators' tools"), BusAccess(.writeBucket($0), "operators' tools")] }
              + streams.map { BusAccess(.readStream($0), "operators' tools") }
              + [BusAccess(.publishToStream(workStream, subjects: workStream.subjects), "operators' tools"),
                 BusAccess(.publishToStream(alertStream, subjects: alertStream.subjects), "operators' tools"),
                 BusAccess(.publishToStream(eventStream, subjects: eventStream.subjects), "operators' tools")]
        }
    }

    /// The operation's subjects at every family's adapters (controller and node, as the operation
    /// is served).
    private func adapterSubjects(_ operations: AdapterOperation...) -> [String] {
        operations.flatMap { operation -> [String] in
            var result: [String] = []
            if operation.isControllerOperation { result.append("\(subjects.root).adapter.*.controller.\(operation.rawValue)") }
            if operation.isNodeOperation { result.append("\(subjects.root).adapter.*.node.*.\(operation.rawValue)") }
            return result
        }
    }
}
