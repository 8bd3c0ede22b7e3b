import ArrayFamily
import Bus
import BusService
import Contracts
import FamilyCatalog
import FencingCore
import Foundation
import Logging
import Policy

/// Works on one delivered NodeTaintRequest: re-checks the rule behind it (`TaintRequestCheck`,
/// against the live node, the driver's node pods and the array-prober's verdict), then adds or
/// removes the taint (idempotent; a concurrent writer's taint is never lost), ignores a request for
/// a node that is gone or was re-registered with another uid, alerts, and acknowledges. A transient
/// failure hands the request back with a delay, up to `fencing.maxRetries` deliveries.
struct TaintRequestHandler: FencingComponent {
    let context: FencingContext
    let kube: FencingKube
    let nodes: KeyValueStore
    let connectivity: KeyValueStore
    let families: FamilyRegistry
    var taintKeys: TaintKeys { families.taintKeys }

    func handle(_ message: JetStreamMessage) async {
        let request: Podguard_V1_NodeTaintRequest
        do {
            request = try message.decode(as: Podguard_V1_NodeTaintRequest.self)
        } catch {
            return await reject(message, why: "\(error)")
        }
        if let problem = Self.problem(request) { return await reject(message, why: problem) }
        let action = request.action == .add ? "add" : "remove"
        var logger = logger
        logger[metadataKey: "node"] = "\(request.nodeName)"
        logger[metadataKey: "taint"] = "\(request.taint.key):\(request.taint.effect.kubernetesName)"
        logger[metadataKey: "action"] = "\(action)"

        if request.dryRun {
            logger.notice("dry run: taint request not applied", metadata: ["why": "\(request.message)"])
            metrics.taintRequest(action: action, result: "dry-run")
            return settle(message, .ack, logger: logger)
        }
        let now = Date()
        do {
            guard let node = try await kube.liveNode(request.nodeName) else {
                return await ignore(request, message, why: "node \(request.nodeName) does not exist", action: action, logger: logger)
            }
            if !request.nodeUid.isEmpty, node.uid != request.nodeUid {
                return await ignore(request, message, why: "node \(request.nodeName) now has uid \(node.uid), not \(request.nodeUid)",
                                    action: action, logger: logger)
            }
            let evidence = try await evidence(for: request, nodeUID: node.uid, now: now)
            switch TaintRequestCheck.evaluate(request, evidence: evidence, taintKeys: taintKeys) {
            case .refused(let why):
                logger.warning("taint request refused: the rule behind it does not hold", metadata: ["why": "\(why)"])
                metrics.taintRequest(action: action, result: "refused")
                return await alertThenSettle(messages.taintAlert(request, severity: .warning, reason: "TaintRequestRefused",
                                                                 summary: "taint request for \(request.taint.key) on \(request.nodeName) refused: \(why)",
                                                                 now: now), message, logger: logger)
            case .allowed(let why):
                logger.debug("taint request checked", metadata: ["why": "\(why)"])
            }
            let changed = request.action == .add ? try await kube.addTaint(request.taint, to: request.nodeName)
                                                 : try await kube.removeTaint(request.taint, from: request.nodeName)
            let verb = request.action == .add ? (changed ? "added to" : "already on") : (changed ? "removed from" : "already absent from")
            let summary = "taint \(request.taint.key) \(verb) node \(request.nodeName): \(request.message)"
            logger.notice("taint request applied", metadata: ["changed": "\(changed)"])
            metrics.taintRequest(action: action, result: changed ? "changed" : "unchanged")
            await alertThenSettle(messages.taintAlert(request, severity: .info, reason: request.action == .add ? "TaintAdded" : "TaintRemoved",
                                                      summary: summary, now: now), message, logger: logger)
        } catch {
            let deliveries = Int(message.metadata.deliveryCount)
            if KubeFailure.isTransient(error), deliveries <= settings.maxRetries {
                logger.warning("taint request failed for now; retrying later", metadata: ["error": "\(error)"])
                let delay = settings.backoff.delay(retry: deliveries, hint: KubeFailure.retryAfter(error))
                return settle(message, .nak(delay), logger: logger)
            }
            logger.error("taint request failed", metadata: ["error": "\(error)"])
            metrics.taintRequest(action: action, result: "failed")
            await alertThenSettle(messages.taintAlert(request, severity: .critical, reason: "TaintRequestFailed",
                                                      summary: "could not \(action) taint \(request.taint.key) on node \(request.nodeName): \(error)",
                                                      now: now), message, logger: logger)
        }
    }

    /// Reads what `TaintRequestCheck` needs for this request's taint: the driver's node pods named
    /// in the node's state, each read live (one that no longer exists there proves nothing), or
    /// the array-prober's current verdicts for the node in the families of the driver.
    private func evidence(for request: Podguard_V1_NodeTaintRequest, nodeUID: String, now: Date) async throws -> TaintRequestCheck.Evidence {
        var evidence = TaintRequestCheck.Evidence()
        switch TaintRequestCheck.kind(of: request.taint.key, taintKeys: taintKeys) {
        case .driverOffline(let driver):
            let state = try await nodes.get(PodguardKeys.node(request.nodeName), as: Podguard_V1_NodeState.self)?.value
            let liveNode = try await kube.liveNode(request.nodeName)
            evidence.reportedByKubelet = liveNode?.ready == .true
            for pod in state?.driverPods ?? [] where pod.driver == driver {
                guard let live = try await kube.livePod(namespace: pod.namespace, name: pod.name), live.nodeName == request.nodeName,
                      pod.uid.isEmpty || live.uid == pod.uid else { continue }
                evidence.driverPodsReady.append(live.ready)
                if !live.ready && live.readyReason.isEmpty { evidence.reportedByKubelet = false }
            }
        case .podguard(let driver):
            let family = families.contractFamily(ofDriver: driver)
            guard family != .unspecified,
                  let entry = try await connectivity.get(PodguardKeys.connectivity(family: family, node: request.nodeName),
                                                         as: Podguard_V1_ArrayConnectivity.self) else { break }
            let verdict = entry.value
            if verdict.verdict == .lost, ConnectivityFreshness.isCurrent(verdict, storedAt: entry.storedAt, at: now),
               verdict.nodeUid.isEmpty || verdict.nodeUid == nodeUID {
                evidence.lostFamilies.append(family)
            }
        case .foreign:
            break
        }
        return evidence
    }


    static func problem(_ request: Podguard_V1_NodeTaintRequest) -> String? {
        if request.requestID.isEmpty { return "request_id is empty" }
        if request.nodeName.isEmpty { return "node_name is empty" }
        if request.taint.key.isEmpty { return "taint key is empty" }
        if request.action != .add && request.action != .remove { return "action is neither ADD nor REMOVE" }
        return nil
    }

    private func ignore(_ request: Podguard_V1_NodeTaintRequest, _ message: JetStreamMessage, why: String, action: String,
                        logger: Logger) async {
        logger.notice("taint request ignored", metadata: ["why": "\(why)"])
        metrics.taintRequest(action: action, result: "ignored")
        await alertThenSettle(messages.taintAlert(request, severity: .warning, reason: "TaintRequestIgnored",
                                                  summary: "taint request for \(request.taint.key) ignored: \(why)", now: Date()),
                              message, logger: logger)
    }

    /// The alert first, then the ack: a lost alert brings the request back (the alert id deduplicates).
    private func alertThenSettle(_ alert: Podguard_V1_Alert, _ message: JetStreamMessage, logger: Logger) async {
        do {
            try await jetStream.publish(alert: alert, subjects: subjects)
            settle(message, .ack, logger: logger)
        } catch {
            logger.warning("could not publish the alert; the request will be redelivered", metadata: ["error": "\(error)"])
            settle(message, .nak(settings.backoff.initial), logger: logger)
        }
    }

    private func reject(_ message: JetStreamMessage, why: String) async {
        logger.error("rejecting a taint request that cannot be acted on", metadata: ["subject": "\(message.subject)", "why": "\(why)"])
        let alert = messages.rejectedAlert(subject: message.subject, sequence: message.metadata.streamSequence, why: why, now: Date())
        _ = try? await jetStream.publish(alert: alert, subjects: subjects)
        settle(message, .term, logger: logger)
    }
}
