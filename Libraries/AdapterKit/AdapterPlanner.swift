public import ArrayFamily
public import Contracts

/// Requests of the bus contract → CSI call plans, for one family. Pure: every rule here is
/// table-tested; the handlers only execute the plans.
public struct AdapterPlanner: Sendable {
    public let family: any ArrayFamily
    /// The arrays a node-only check asks one by one (`adapter.arrays`).
    public let knownArrays: [String]
    /// The driver's `X_CSI_PRIVATE_MOUNT_DIR`.
    public let privateMountDirectory: String?

    public init(family: any ArrayFamily, knownArrays: [String] = [], privateMountDirectory: String? = nil) {
        self.family = family
        self.knownArrays = knownArrays
        self.privateMountDirectory = privateMountDirectory
    }

    /// The deadline of a call: the request's timeout when it sets one, else the family's.
    static func deadline(_ timeout: Duration?, default familyDeadline: Duration) -> Duration {
        guard let timeout, timeout > .zero else { return familyDeadline }
        return timeout
    }

    /// Per-array queries for a ValidateHostConnectivity request.
    ///
    /// - `csi_node_id` is required (podmon's "missing CSI annotations").
    /// - `array_id` restricts the check to that array when the family can be asked about one array
    ///   (otherwise, e.g. PowerScale without volumes, the driver's default answer is all there is).
    /// - `cold`: the driver has not answered a check since it came up, so the family's cold
    ///   deadline applies (first checks may build array-side metric collections).
    public func validate(_ request: Podguard_V1_ValidateHostConnectivityRequest, cold: Bool = false)
        throws(InvalidAdapterRequest) -> AdapterPlan.Validate
    {
        guard !request.csiNodeID.isEmpty else {
            throw InvalidAdapterRequest(
                "missing CSI annotations: no CSI node id of \(family.csiDriverName) for node '\(request.nodeName)'")
        }
        if request.volumeHandles.contains(where: \.isEmpty) {
            throw InvalidAdapterRequest("an empty volume handle in volume_handles")
        }
        let restrict = request.arrayID
        let arrays = restrict.isEmpty ? knownArrays : [restrict]
        var queries = family.connectivityQueries(volumeHandles: request.volumeHandles, knownArrays: arrays)
        if !restrict.isEmpty {
            let only = queries.filter { $0.arrayID == restrict }
            if !only.isEmpty { queries = only }
        }
        let familyDeadline = cold ? family.deadlines.coldValidate : family.deadlines.validate
        return AdapterPlan.Validate(
            nodeID: request.csiNodeID, queries: queries,
            deadline: Self.deadline(request.hasTimeout ? Duration(request.timeout) : nil, default: familyDeadline))
    }

    /// ControllerUnpublishVolume for a fence; both ids are required (podmon: "csiNodeID is not set").
    public func controllerUnpublish(_ request: Podguard_V1_ControllerUnpublishRequest)
        throws(InvalidAdapterRequest) -> AdapterPlan.ControllerUnpublish
    {
        guard !request.volumeHandle.isEmpty else { throw InvalidAdapterRequest("volume_handle is empty") }
        guard !request.csiNodeID.isEmpty else {
            throw InvalidAdapterRequest("csiNodeID is not set (missing CSI annotations of node '\(request.nodeName)')")
        }
        return AdapterPlan.ControllerUnpublish(
            volumeID: request.volumeHandle, nodeID: request.csiNodeID,
            deadline: Self.deadline(request.hasTimeout ? Duration(request.timeout) : nil,
                                    default: family.deadlines.controller))
    }

    /// NodeUnpublishVolume at the request's target path, or — when it gives none — at the path the
    /// family's layout puts the pod's volume (`cleanupPlan`), which needs pod uid and PV name.
    public func nodeUnpublish(_ request: Podguard_V1_NodeUnpublishRequest)
        throws(InvalidAdapterRequest) -> AdapterPlan.NodeUnpublish
    {
        guard !request.volumeHandle.isEmpty else { throw InvalidAdapterRequest("volume_handle is empty") }
        var target = request.targetPath
        if target.isEmpty {
            guard !request.podUid.isEmpty, !request.pvName.isEmpty else {
                throw InvalidAdapterRequest("target_path is empty and pod_uid or pv_name is missing to derive it")
            }
            target = cleanupPlan(podUID: request.podUid, pvName: request.pvName, handle: request.volumeHandle,
                                 block: request.block).targetPath
        }
        return AdapterPlan.NodeUnpublish(
            volumeID: request.volumeHandle, targetPath: target,
            deadline: Self.deadline(request.hasTimeout ? Duration(request.timeout) : nil, default: family.deadlines.node))
    }

    /// NodeUnstageVolume at the request's staging path, or — when it gives none — at each staging
    /// path of the family's layout (pre-1.25 first, as podmon does; none for a family that does not
    /// stage), which needs the PV name.
    public func nodeUnstage(_ request: Podguard_V1_NodeUnstageRequest)
        throws(InvalidAdapterRequest) -> AdapterPlan.NodeUnstage
    {
        guard !request.volumeHandle.isEmpty else { throw InvalidAdapterRequest("volume_handle is empty") }
        let paths: [String]
        if !request.stagingTargetPath.isEmpty {
            paths = [request.stagingTargetPath]
        } else {
            guard !request.pvName.isEmpty else {
                throw InvalidAdapterRequest("staging_target_path is empty and pv_name is missing to derive it")
            }
            // Staging paths do not depend on the pod.
            paths = cleanupPlan(podUID: "", pvName: request.pvName, handle: request.volumeHandle,
                                block: request.block).stagingPaths
        }
        return AdapterPlan.NodeUnstage(
            volumeID: request.volumeHandle, stagingPaths: paths,
            deadline: Self.deadline(request.hasTimeout ? Duration(request.timeout) : nil, default: family.deadlines.node))
    }

    private func cleanupPlan(podUID: String, pvName: String, handle: String, block: Bool) -> NodeCleanupPlan {
        family.cleanupPlan(for: VolumeOnNode(podUID: podUID, pvName: pvName, volumeHandle: handle, isBlock: block),
                           privateMountDirectory: privateMountDirectory)
    }
}
