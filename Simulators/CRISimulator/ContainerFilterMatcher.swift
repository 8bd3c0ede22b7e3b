import CRI

/// CRI's ListContainers filter semantics: every field that is set must match (AND); the label
/// selector is equality on each listed label. Pure.
enum ContainerFilterMatcher {
    static func matches(_ container: Runtime_V1_Container, _ filter: Runtime_V1_ContainerFilter) -> Bool {
        if !filter.id.isEmpty, container.id != filter.id { return false }
        if filter.hasState, container.state != filter.state.state { return false }
        if !filter.podSandboxID.isEmpty, container.podSandboxID != filter.podSandboxID { return false }
        for (key, value) in filter.labelSelector where container.labels[key] != value { return false }
        return true
    }
}
