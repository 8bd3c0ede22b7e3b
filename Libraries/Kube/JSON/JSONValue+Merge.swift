extension JSONValue {
    /// Three-way merge used to write back an object without losing what podguard does not model.
    ///
    /// - `self` is the raw object as last received from the apiserver (everything, known or not);
    /// - `base` is the typed view of that raw object, re-encoded right after decoding;
    /// - `changed` is the typed view as the caller left it.
    ///
    /// Only what differs between `base` and `changed` is applied to `self`: a member removed from
    /// the typed view is removed, a changed one replaced (recursively, so unknown members of a
    /// modified nested object survive). Arrays of the same length on all three sides merge element
    /// by element (unknown container fields survive a changed image); otherwise the typed array wins.
    public func mergingTypedChanges(base: JSONValue, changed: JSONValue) -> JSONValue {
        if base == changed { return self }
        switch (self, base, changed) {
        case (.object(var raw), .object(let baseMembers), .object(let changedMembers)):
            for key in Set(baseMembers.keys).union(changedMembers.keys) {
                switch (baseMembers[key], changedMembers[key]) {
                case (_, nil):
                    raw[key] = nil
                case (let before, let after?):
                    let rawMember = raw[key] ?? .null
                    raw[key] = rawMember.mergingTypedChanges(base: before ?? .null, changed: after)
                }
            }
            return .object(raw)
        case (.array(let raw), .array(let baseElements), .array(let changedElements))
            where raw.count == baseElements.count && baseElements.count == changedElements.count:
            return .array(zip(raw, zip(baseElements, changedElements)).map { rawElement, pair in
                rawElement.mergingTypedChanges(base: pair.0, changed: pair.1)
            })
        default:
            return changed
        }
    }

    /// RFC 7386 JSON merge patch from `self` to `target` (what `application/merge-patch+json` takes).
    public func mergePatch(to target: JSONValue) -> JSONValue {
        guard case .object(let source) = self, case .object(let destination) = target else { return target }
        var patch: [String: JSONValue] = [:]
        for (key, value) in destination where source[key] != value {
            if let old = source[key], case .object = old, case .object = value {
                patch[key] = old.mergePatch(to: value)
            } else {
                patch[key] = value
            }
        }
        for key in source.keys where destination[key] == nil {
            patch[key] = .null
        }
        return .object(patch)
    }

    /// Applies an RFC 7386 merge patch (used by tests and by the pure patch builders).
    public func applyingMergePatch(_ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = objectValue ?? [:]
        for (key, value) in patchMembers {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = (result[key] ?? .null).applyingMergePatch(value)
            }
        }
        return .object(result)
    }
}
