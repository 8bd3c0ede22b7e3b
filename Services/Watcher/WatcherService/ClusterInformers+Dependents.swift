import Kube

/// Which snapshots an event can change: only those are projected again, so one event never costs
/// a pass over every pod.
extension ClusterInformers {
    public func stateKeys(affectedBy event: InformerEvent<WatchedPod>) -> Set<StateKey> {
        Set(Self.objects(of: event).map { StateKey.pod(namespace: $0.namespace ?? "", name: $0.name) })
    }

    public func stateKeys(affectedBy event: InformerEvent<WatchedNode>) -> Set<StateKey> {
        Set(Self.objects(of: event).map { StateKey.node(name: $0.name) })
    }

    /// A driver node pod changes the NodeState of the node(s) it was and is on, if anything the
    /// snapshot shows changed.
    public func stateKeys(affectedByDriverPod event: InformerEvent<WatchedPod>) -> Set<StateKey> {
        if case .updated(let old, let new) = event, old.nodeName == new.nodeName, old.status?.phase == new.status?.phase,
           old.readyCondition == new.readyCondition {
            return []
        }
        return Set(Self.objects(of: event).compactMap { pod in pod.nodeName.map { StateKey.node(name: $0) } })
    }

    /// A claim changes the pods that mount it.
    public func stateKeys(affectedBy event: InformerEvent<WatchedClaim>) -> Set<StateKey> {
        if case .updated(let old, let new) = event, old.spec == new.spec, old.status == new.status { return [] }
        var keys = Set<StateKey>()
        for claim in Self.objects(of: event) { keys.formUnion(podKeys(mounting: claim.namespace ?? "", claim.name)) }
        return keys
    }

    /// A PersistentVolume changes the pods mounting a claim bound to it.
    public func stateKeys(affectedBy event: InformerEvent<WatchedVolume>) -> Set<StateKey> {
        if case .updated(let old, let new) = event, old.spec == new.spec { return [] }
        var keys = Set<StateKey>()
        for volume in Self.objects(of: event) { keys.formUnion(podKeys(usingVolume: volume.name, claimRef: volume.spec?.claimRef)) }
        return keys
    }

    /// A VolumeAttachment changes the pods on its node that use its volume.
    public func stateKeys(affectedBy event: InformerEvent<WatchedAttachment>) -> Set<StateKey> {
        if case .updated(let old, let new) = event, old.spec == new.spec, old.status == new.status { return [] }
        var keys = Set<StateKey>()
        for attachment in Self.objects(of: event) {
            guard let volumeName = attachment.persistentVolumeName, let node = attachment.nodeName else { continue }
            let claimRef = volumes.get(name: volumeName)?.spec?.claimRef
            for key in podKeys(usingVolume: volumeName, claimRef: claimRef) {
                guard case .pod(let namespace, let name) = key, pods.get(name: name, namespace: namespace)?.nodeName == node else { continue }
                keys.insert(key)
            }
        }
        return keys
    }

    func podKeys(mounting namespace: String, _ claim: String) -> [StateKey] {
        pods.objects(index: Self.podsByClaim.name, value: "\(namespace)/\(claim)").map {
            StateKey.pod(namespace: $0.namespace ?? "", name: $0.name)
        }
    }

    /// Pods of the claims bound to a volume (by the claims' `volumeName`) and of the claim the
    /// volume names (`claimRef`), which may not know the volume yet.
    func podKeys(usingVolume volume: String, claimRef: VolumeProjection.ClaimReference?) -> Set<StateKey> {
        var claims = Set(self.claims.objects(index: Self.claimsByVolume.name, value: volume).map { ClaimName(namespace: $0.namespace ?? "", name: $0.name) })
        if let namespace = claimRef?.namespace, let name = claimRef?.name { claims.insert(ClaimName(namespace: namespace, name: name)) }
        var keys = Set<StateKey>()
        for claim in claims { keys.formUnion(podKeys(mounting: claim.namespace, claim.name)) }
        return keys
    }

    struct ClaimName: Hashable {
        var namespace: String
        var name: String
    }

    static func objects<T>(of event: InformerEvent<T>) -> [T] {
        switch event {
        case .added(let object), .deleted(let object): [object]
        case .updated(let old, let new): [old, new]
        case .synced: []
        }
    }
}
