/// A container's state as the runtime reports it.
public enum CRIContainerState: String, Sendable, Hashable, CaseIterable {
    case created
    case running
    case exited
    case unknown

    /// podmon's rule for zombie containers: created or running counts as still executing; an
    /// unknown state might be either, so it counts too.
    public var mayBeExecuting: Bool { self != .exited }
}

extension CRIContainerState {
    public init(_ state: Runtime_V1_ContainerState) {
        self = switch state {
        case .containerCreated: .created
        case .containerRunning: .running
        case .containerExited: .exited
        case .containerUnknown, .UNRECOGNIZED: .unknown
        }
    }

    public var wire: Runtime_V1_ContainerState {
        switch self {
        case .created: .containerCreated
        case .running: .containerRunning
        case .exited: .containerExited
        case .unknown: .containerUnknown
        }
    }
}
