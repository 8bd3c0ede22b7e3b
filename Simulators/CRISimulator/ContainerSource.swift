public import CRI

/// Where the simulated runtime gets its containers from: asked on every `ListContainers`. The
/// node simulator implements it over the pods it runs; tests use `InMemoryContainerSource`.
public protocol ContainerSource: Sendable {
    /// Every container the node's runtime knows now.
    func containers() async throws -> [SimulatedContainer]
}

/// A container source that holds a list the caller edits.
public actor InMemoryContainerSource: ContainerSource {
    private var current: [String: SimulatedContainer]
    private var answerDelay: Duration = .zero

    public init(_ containers: [SimulatedContainer] = []) {
        current = Dictionary(containers.map { ($0.id, $0) }) { _, last in last }
    }

    public func containers() async throws -> [SimulatedContainer] {
        if answerDelay > .zero { try await Task.sleep(for: answerDelay) }
        return current.values.sorted { $0.id < $1.id }
    }

    /// Adds or replaces a container (by id).
    public func put(_ container: SimulatedContainer) { current[container.id] = container }

    public func remove(id: String) { current[id] = nil }

    /// Changes a container's state (e.g. running → exited); false if there is no such container.
    @discardableResult
    public func setState(_ state: CRIContainerState, of id: String) -> Bool {
        guard current[id] != nil else { return false }
        current[id]?.state = state
        return true
    }

    /// Makes every answer wait this long first (to test the caller's deadline).
    public func setAnswerDelay(_ delay: Duration) { answerDelay = delay }
}
