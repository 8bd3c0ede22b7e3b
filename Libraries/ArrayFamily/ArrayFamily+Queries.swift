extension ArrayFamily {
    /// The `ValidateVolumeHostConnectivity` calls to make so each array is asked on its own — the
    /// drivers answer a multi-array request with whichever array they checked last.
    ///
    /// - Parameters:
    ///   - volumeHandles: the volumes of the pod(s) on the node; empty for a node-only check.
    ///   - knownArrays: the arrays the driver manages, when the caller knows them (a node-only check
    ///     then asks each of them); empty leaves the choice to the driver (its default array(s)).
    /// - Returns: one query per array, in order of first appearance; an empty list when the family
    ///   has no extension. A handle that does not parse goes to the driver's default array.
    public func connectivityQueries(volumeHandles: [String], knownArrays: [String] = []) -> [ConnectivityQuery] {
        guard hasPodmonExtension else { return [] }
        let behaviour = validateBehaviour
        func query(_ array: String?, _ volumes: [String]) -> ConnectivityQuery {
            ConnectivityQuery(arrayID: array,
                              requestArrayID: behaviour.honoursArrayIDField ? (array ?? "") : "",
                              volumeIDs: volumes)
        }

        if volumeHandles.isEmpty {
            // PowerScale cannot be asked about one cluster without volumes: array_id breaks its check.
            guard behaviour.honoursArrayIDField, !knownArrays.isEmpty else { return [query(nil, [])] }
            return uniqued(knownArrays).map { query($0, []) }
        }

        var order: [String?] = []
        var groups: [String?: [String]] = [:]
        func add(_ array: String?, _ handle: String?) {
            if groups[array] == nil { order.append(array); groups[array] = [] }
            if let handle, groups[array]?.contains(handle) == false { groups[array]?.append(handle) }
        }
        for handle in volumeHandles {
            guard let parsed = try? parseVolumeHandle(handle) else { add(nil, handle); continue }
            add(parsed.arrayID, handle)
            if let remote = parsed.remoteArrayID {
                // PowerMax fails a request whose volume belongs to another array than array_id: ask
                // the remote array about the node alone.
                add(remote, behaviour.rejectsVolumesOfSeveralArrays ? nil : handle)
            }
        }
        return order.map { query($0, groups[$0] ?? []) }
    }

    private func uniqued(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
