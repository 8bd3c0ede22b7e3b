// Subject names of podguard's bus contract (see docs/bus-contract.md, "Subjects").
//
// Every subject is "<prefix>.v1.<kind>...." where the prefix is configurable (default "podguard")
// so two installations can share one NATS account. Kubernetes names inside subjects and KeyValue
// keys are encoded with `SubjectToken`.

import SwiftProtobuf

/// Why a prefix was refused.
public enum SubjectError: Error, Equatable, Sendable {
    /// The prefix must be one or more dot-separated tokens of `[A-Za-z0-9_-]`.
    case invalidPrefix(String)
}

/// The request/reply operations of an adapter, and their subject tokens.
public enum AdapterOperation: String, Sendable, CaseIterable, Hashable {
    /// `ProbeRequest` → `ProbeReply` (controller and node mode).
    case probe = "probe"
    /// `ValidateHostConnectivityRequest` → `ValidateHostConnectivityReply` (controller mode).
    case validateHostConnectivity = "validate-host-connectivity"
    /// `ControllerUnpublishRequest` → `ControllerUnpublishReply` (controller mode).
    case controllerUnpublish = "controller-unpublish"
    /// `NodeUnpublishRequest` → `NodeUnpublishReply` (node mode).
    case nodeUnpublish = "node-unpublish"
    /// `NodeUnstageRequest` → `NodeUnstageReply` (node mode).
    case nodeUnstage = "node-unstage"
    /// `ListContainersRequest` → `ListContainersReply` (node mode).
    case listContainers = "list-containers"

    /// Served by controller-mode adapters (`...adapter.<family>.controller.<op>`).
    public var isControllerOperation: Bool {
        switch self {
        case .probe, .validateHostConnectivity, .controllerUnpublish: true
        case .nodeUnpublish, .nodeUnstage, .listContainers: false
        }
    }

    /// Served by node-mode adapters (`...adapter.<family>.node.<node>.<op>`).
    public var isNodeOperation: Bool {
        switch self {
        case .probe, .nodeUnpublish, .nodeUnstage, .listContainers: true
        case .validateHostConnectivity, .controllerUnpublish: false
        }
    }

    /// The request message type.
    public var requestType: any SwiftProtobuf.Message.Type {
        switch self {
        case .probe: Podguard_V1_ProbeRequest.self
        case .validateHostConnectivity: Podguard_V1_ValidateHostConnectivityRequest.self
        case .controllerUnpublish: Podguard_V1_ControllerUnpublishRequest.self
        case .nodeUnpublish: Podguard_V1_NodeUnpublishRequest.self
        case .nodeUnstage: Podguard_V1_NodeUnstageRequest.self
        case .listContainers: Podguard_V1_ListContainersRequest.self
        }
    }

    /// The reply message type.
    public var replyType: any SwiftProtobuf.Message.Type {
        switch self {
        case .probe: Podguard_V1_ProbeReply.self
        case .validateHostConnectivity: Podguard_V1_ValidateHostConnectivityReply.self
        case .controllerUnpublish: Podguard_V1_ControllerUnpublishReply.self
        case .nodeUnpublish: Podguard_V1_NodeUnpublishReply.self
        case .nodeUnstage: Podguard_V1_NodeUnstageReply.self
        case .listContainers: Podguard_V1_ListContainersReply.self
        }
    }
}

/// A subject of the contract, taken apart (see `PodguardSubjects.parse(_:)`). Names are decoded.
public enum ParsedSubject: Sendable, Hashable {
    case nodeState(node: String)
    case podState(namespace: String, name: String)
    case connectivity(family: Podguard_V1_ArrayFamily, node: String)
    case adapterController(family: Podguard_V1_ArrayFamily, operation: AdapterOperation)
    case adapterNode(family: Podguard_V1_ArrayFamily, node: String, operation: AdapterOperation)
    case fenceRequest(node: String)
    case taintRequest(node: String)
    case decision(namespace: String, pod: String)
    case alert(severity: Podguard_V1_Severity, reason: String)
    case cleanup(node: String)
}

/// Every subject and wildcard of the bus contract, under a configurable prefix.
///
/// ```
/// <prefix>.v1.state.node.<node>                          NodeState
/// <prefix>.v1.state.pod.<namespace>.<name>               PodState
/// <prefix>.v1.connectivity.<family>.<node>               ArrayConnectivity
/// <prefix>.v1.adapter.<family>.controller.<op>           adapter requests (request/reply)
/// <prefix>.v1.adapter.<family>.node.<node>.<op>          adapter requests (request/reply)
/// <prefix>.v1.fence.request.<node>                       FenceWork         (stream PODGUARD_WORK)
/// <prefix>.v1.taint.request.<node>                       NodeTaintRequest  (stream PODGUARD_WORK)
/// <prefix>.v1.decision.<namespace>.<pod>                 DecisionRecord    (stream PODGUARD_EVENTS)
/// <prefix>.v1.alert.<severity>.<reason>                  Alert             (stream PODGUARD_ALERTS)
/// <prefix>.v1.cleanup.<node>                             CleanupReport     (stream PODGUARD_EVENTS)
/// ```
public struct PodguardSubjects: Sendable, Hashable {
    /// The default prefix.
    public static let defaultPrefix = "podguard"
    /// The contract version token (the protobuf package is podguard.v1).
    public static let version = "v1"
    /// Subjects under the default prefix.
    public static let standard = PodguardSubjects(checkedPrefix: defaultPrefix)

    /// The prefix, e.g. "podguard".
    public let prefix: String
    /// "<prefix>.v1": every subject starts with it.
    public let root: String

    /// Subjects under `prefix` (one or more dot-separated tokens of `[A-Za-z0-9_-]`).
    public init(prefix: String = PodguardSubjects.defaultPrefix) throws(SubjectError) {
        guard Self.isValidPrefix(prefix) else { throw .invalidPrefix(prefix) }
        self.init(checkedPrefix: prefix)
    }

    private init(checkedPrefix prefix: String) {
        self.prefix = prefix
        self.root = "\(prefix).\(Self.version)"
    }

    /// True if `prefix` can be used as a subject prefix.
    public static func isValidPrefix(_ prefix: String) -> Bool {
        let tokens = prefix.split(separator: ".", omittingEmptySubsequences: false)
        return !tokens.isEmpty && tokens.allSatisfy { token in
            !token.isEmpty && token.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    true
                default:
                    false
                }
            }
        }
    }

    // MARK: Tokens of enums

    /// Subject token of an array family: "powerflex", "powerstore", "powerscale", "powermax",
    /// "unity", "generic" ("unspecified" for the zero value).
    public static func token(_ family: Podguard_V1_ArrayFamily) -> String {
        switch family {
        case .unspecified: "unspecified"
        case .powerflex: "powerflex"
        case .powerstore: "powerstore"
        case .powerscale: "powerscale"
        case .powermax: "powermax"
        case .unity: "unity"
        case .generic: "generic"
        case .UNRECOGNIZED(let value): "family\(value)"
        }
    }

    /// The array family named by a subject token; nil if unknown.
    public static func family(fromToken token: String) -> Podguard_V1_ArrayFamily? {
        Podguard_V1_ArrayFamily.allCases.first { self.token($0) == token }
    }

    /// Subject token of a severity: "info", "warning", "critical" ("unspecified" for the zero value).
    public static func token(_ severity: Podguard_V1_Severity) -> String {
        switch severity {
        case .unspecified: "unspecified"
        case .info: "info"
        case .warning: "warning"
        case .critical: "critical"
        case .UNRECOGNIZED(let value): "severity\(value)"
        }
    }

    /// The severity named by a subject token; nil if unknown.
    public static func severity(fromToken token: String) -> Podguard_V1_Severity? {
        Podguard_V1_Severity.allCases.first { self.token($0) == token }
    }

    // MARK: Subjects

    /// `<prefix>.v1.state.node.<node>`: NodeState (core; KeyValue bucket podguard-nodes).
    public func nodeState(_ node: String) -> String {
        "\(root).state.node.\(SubjectToken.encode(node))"
    }

    /// `<prefix>.v1.state.pod.<namespace>.<name>`: PodState (core; KeyValue bucket podguard-pods).
    public func podState(namespace: String, name: String) -> String {
        "\(root).state.pod.\(SubjectToken.encode(namespace)).\(SubjectToken.encode(name))"
    }

    /// `<prefix>.v1.connectivity.<family>.<node>`: ArrayConnectivity (core; bucket podguard-connectivity).
    public func connectivity(family: Podguard_V1_ArrayFamily, node: String) -> String {
        "\(root).connectivity.\(Self.token(family)).\(SubjectToken.encode(node))"
    }

    /// `<prefix>.v1.adapter.<family>.controller.<op>`: request/reply to a controller-mode adapter.
    public func adapterController(family: Podguard_V1_ArrayFamily, operation: AdapterOperation) -> String {
        "\(root).adapter.\(Self.token(family)).controller.\(operation.rawValue)"
    }

    /// `<prefix>.v1.adapter.<family>.node.<node>.<op>`: request/reply to a node-mode adapter.
    public func adapterNode(family: Podguard_V1_ArrayFamily, node: String, operation: AdapterOperation) -> String {
        "\(root).adapter.\(Self.token(family)).node.\(SubjectToken.encode(node)).\(operation.rawValue)"
    }

    /// `<prefix>.v1.fence.request.<node>`: FenceWork (stream PODGUARD_WORK).
    public func fenceRequest(_ node: String) -> String {
        "\(root).fence.request.\(SubjectToken.encode(node))"
    }

    /// `<prefix>.v1.taint.request.<node>`: NodeTaintRequest (stream PODGUARD_WORK).
    public func taintRequest(_ node: String) -> String {
        "\(root).taint.request.\(SubjectToken.encode(node))"
    }

    /// `<prefix>.v1.decision.<namespace>.<pod>`: DecisionRecord (stream PODGUARD_EVENTS).
    public func decision(namespace: String, pod: String) -> String {
        "\(root).decision.\(SubjectToken.encode(namespace)).\(SubjectToken.encode(pod))"
    }

    /// `<prefix>.v1.alert.<severity>.<reason>`: Alert (stream PODGUARD_ALERTS).
    public func alert(severity: Podguard_V1_Severity, reason: String) -> String {
        "\(root).alert.\(Self.token(severity)).\(SubjectToken.encode(reason))"
    }

    /// `<prefix>.v1.cleanup.<node>`: CleanupReport (stream PODGUARD_EVENTS).
    public func cleanup(_ node: String) -> String {
        "\(root).cleanup.\(SubjectToken.encode(node))"
    }

    // MARK: Wildcards

    /// `<prefix>.v1.>`: every podguard subject.
    public var everything: String { "\(root).>" }
    /// `<prefix>.v1.state.>`: every NodeState and PodState.
    public var allState: String { "\(root).state.>" }
    /// `<prefix>.v1.state.node.*`: every NodeState.
    public var allNodeStates: String { "\(root).state.node.*" }
    /// `<prefix>.v1.state.pod.*.*`: every PodState.
    public var allPodStates: String { "\(root).state.pod.*.*" }
    /// `<prefix>.v1.state.pod.<namespace>.*`: the PodStates of one namespace.
    public func podStates(namespace: String) -> String {
        "\(root).state.pod.\(SubjectToken.encode(namespace)).*"
    }
    /// `<prefix>.v1.connectivity.>`: every ArrayConnectivity.
    public var allConnectivity: String { "\(root).connectivity.>" }
    /// `<prefix>.v1.connectivity.<family>.*`: the ArrayConnectivity of one family.
    public func allConnectivity(family: Podguard_V1_ArrayFamily) -> String {
        "\(root).connectivity.\(Self.token(family)).*"
    }
    /// `<prefix>.v1.adapter.>`: every adapter request.
    public var allAdapterRequests: String { "\(root).adapter.>" }
    /// `<prefix>.v1.adapter.<family>.controller.*`: what a controller-mode adapter subscribes to
    /// (in queue group `adapter-<family>`).
    public func adapterControllerRequests(family: Podguard_V1_ArrayFamily) -> String {
        "\(root).adapter.\(Self.token(family)).controller.*"
    }
    /// `<prefix>.v1.adapter.<family>.node.<node>.*`: what a node-mode adapter subscribes to.
    public func adapterNodeRequests(family: Podguard_V1_ArrayFamily, node: String) -> String {
        "\(root).adapter.\(Self.token(family)).node.\(SubjectToken.encode(node)).*"
    }
    /// `<prefix>.v1.fence.request.>`: every FenceRequest (the work stream's filter).
    public var allFenceRequests: String { "\(root).fence.request.>" }
    /// `<prefix>.v1.taint.request.>`: every NodeTaintRequest (the work stream's filter).
    public var allTaintRequests: String { "\(root).taint.request.>" }
    /// `<prefix>.v1.decision.>`: every DecisionRecord.
    public var allDecisions: String { "\(root).decision.>" }
    /// `<prefix>.v1.decision.<namespace>.*`: the DecisionRecords of one namespace.
    public func decisions(namespace: String) -> String {
        "\(root).decision.\(SubjectToken.encode(namespace)).*"
    }
    /// `<prefix>.v1.alert.>`: every Alert.
    public var allAlerts: String { "\(root).alert.>" }
    /// `<prefix>.v1.alert.<severity>.*`: the Alerts of one severity.
    public func alerts(severity: Podguard_V1_Severity) -> String {
        "\(root).alert.\(Self.token(severity)).*"
    }
    /// `<prefix>.v1.cleanup.>`: every CleanupReport.
    public var allCleanups: String { "\(root).cleanup.>" }

    // MARK: Parsing

    /// Takes a concrete subject of this prefix apart; nil if it is not one of the contract's subjects.
    public func parse(_ subject: String) -> ParsedSubject? {
        guard subject.hasPrefix(root + ".") else { return nil }
        let rest = subject.dropFirst(root.count + 1)
        let tokens = rest.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        func name(_ index: Int) -> String? { SubjectToken.decode(tokens[index]) }
        switch (tokens[0], tokens.count) {
        case ("state", 3) where tokens[1] == "node":
            return name(2).map { .nodeState(node: $0) }
        case ("state", 4) where tokens[1] == "pod":
            guard let namespace = name(2), let pod = name(3) else { return nil }
            return .podState(namespace: namespace, name: pod)
        case ("connectivity", 3):
            guard let family = Self.family(fromToken: tokens[1]), let node = name(2) else { return nil }
            return .connectivity(family: family, node: node)
        case ("adapter", 4) where tokens[2] == "controller":
            guard let family = Self.family(fromToken: tokens[1]),
                  let operation = AdapterOperation(rawValue: tokens[3]), operation.isControllerOperation
            else { return nil }
            return .adapterController(family: family, operation: operation)
        case ("adapter", 5) where tokens[2] == "node":
            guard let family = Self.family(fromToken: tokens[1]), let node = name(3),
                  let operation = AdapterOperation(rawValue: tokens[4]), operation.isNodeOperation
            else { return nil }
            return .adapterNode(family: family, node: node, operation: operation)
        case ("fence", 3) where tokens[1] == "request":
            return name(2).map { .fenceRequest(node: $0) }
        case ("taint", 3) where tokens[1] == "request":
            return name(2).map { .taintRequest(node: $0) }
        case ("decision", 3):
            guard let namespace = name(1), let pod = name(2) else { return nil }
            return .decision(namespace: namespace, pod: pod)
        case ("alert", 3):
            guard let severity = Self.severity(fromToken: tokens[1]), let reason = name(2) else { return nil }
            return .alert(severity: severity, reason: reason)
        case ("cleanup", 2):
            return name(1).map { .cleanup(node: $0) }
        default:
            return nil
        }
    }
}
