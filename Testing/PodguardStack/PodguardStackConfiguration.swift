public import ArrayFamily

/// What a ``PodguardStack`` runs and with which settings. The defaults suit tests: short poll
/// intervals and windows, so a failover and a node cleanup take seconds, not minutes.
public struct PodguardStackConfiguration: Sendable {
    /// Simulated nodes, named `<namePrefix>-1`...; their zone is `namePrefix`.
    public var nodes: Int
    public var families: [ArrayFamilyID]
    /// Node-name prefix (and zone); nil: a fresh random one.
    public var namePrefix: String?
    public var decisionReplicas = 1
    public var fencingReplicas = 1
    public var watcherReplicas = 1
    public var proberReplicas = 1
    /// StatefulCluster controllers (0: none, and no CRD installed). They share one Lease in
    /// `default` whatever the stack, since every stack's controller would act on every cluster.
    public var statefulClusterReplicas = 0
    /// Their liveness timeout (`statefulCluster.notReadyTimeout`).
    public var statefulClusterNotReadyTimeout = "60s"

    // array-prober
    public var proberPollInterval = "1s"
    public var lossThreshold = 3
    // decision
    public var reevaluateEvery = "2s"
    public var retryAfterAbort = "2s"
    /// Start value of podmon's `PODMON_SKIP_ARRAY_CONNECTION_VALIDATION` in the driver config
    /// params file decision follows (``PodguardStack/setSkipArrayConnectionValidation(_:)`` changes it live).
    public var skipArrayConnectionValidation = false
    public var maxFencedNodeShare = "0.5"
    // fencing
    public var fencingAckWait = "10s"
    public var fencingTakeoverAfter = "5s"
    /// fencing's node remediation ladder (`remediation.ladder`); nil: the default (storage only).
    public var remediationLadder: String?
    /// Named ladders (`remediation.ladders`, `<name>=<ladder>`) a scenario gives one node with the
    /// label `podguard.io/remediation-ladder`.
    public var remediationLadders: [String] = []
    /// medik8s's Fence Agents Remediation CRDs installed, a `FenceAgentsRemediationTemplate`
    /// (`NodeBMCs/remediationTemplate`) beside the BMC Secrets, and fencing's external step
    /// pointed at it; the scenario plays the provider. Needs `nodeBMCs`.
    public var externalRemediation = false
    /// A simulated BMC per node (`NodeBMCs`) and fencing pointed at their Secrets.
    public var nodeBMCs = false
    // node-cleanup
    public var cleanupStabilityWindow = "3s"
    public var cleanupRequireBootIDChangeAfterZombies = false
    // watcher
    public var watcherLeaseDuration = "6s"

    // bus
    /// One NATS user per service with the contract's permissions, and TLS with client
    /// certificates (`StackBusSecurity`); off: one open server, as before there were users.
    public var busSecurity = true
    /// NATS servers: 1, or a cluster (3) whose streams and buckets have three replicas.
    public var natsServers = 1
    /// Every service starts with its configuration file from the Helm chart's rendered ConfigMap
    /// and, where it calls Kubernetes, as the chart's ServiceAccount (a TokenRequest token) under
    /// the chart's RBAC (`ChartRelease`); off: the admin kubeconfig and flags only.
    public var chartIdentities = false

    /// alert-relay delivering every Alert to a real Alertmanager and a signed webhook of the
    /// stack's (`StackAlertReceivers`).
    public var alertRelay = true

    /// The services reach the API server through a ``KubeFaultProxy`` that can answer 429 and 500
    /// bursts (`PodguardStack/apiFaults`); off: straight to the API server.
    public var kubeFaultProxy = false

    public var logLevel = "info"
    /// Extra flags per role, appended to every process of that role.
    public var extraFlags: [ServiceID.Role: [String]] = [:]

    public init(nodes: Int = 3, families: [ArrayFamilyID] = [.powerstore], namePrefix: String? = nil) {
        self.nodes = nodes
        self.families = families
        self.namePrefix = namePrefix
    }
}
