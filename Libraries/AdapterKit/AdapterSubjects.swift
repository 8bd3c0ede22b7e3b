public import ArrayFamily
public import Contracts

/// The subjects and queue group an adapter of one family serves, from the contract's names.
public struct AdapterSubjects: Sendable, Hashable {
    public let subjects: PodguardSubjects
    public let family: ArrayFamilyID
    public let mode: AdapterMode

    public init(subjects: PodguardSubjects, family: ArrayFamilyID, mode: AdapterMode) {
        self.subjects = subjects
        self.family = family
        self.mode = mode
    }

    /// The contract's enum value of a family.
    /// (Also the family of the adapter's bus principal: `AdapterMode.principal(family:)`.)
    public static func contractFamily(_ id: ArrayFamilyID) -> Podguard_V1_ArrayFamily {
        switch id {
        case .powerflex: .powerflex
        case .powerstore: .powerstore
        case .powerscale: .powerscale
        case .powermax: .powermax
        case .unity: .unity
        case .generic: .generic
        }
    }

    /// `adapter-<family>`: controller replicas share requests; in node mode it keeps a node's
    /// requests from being answered twice if two instances ever run for the same node.
    public var queueGroup: String { "adapter-\(PodguardSubjects.token(Self.contractFamily(family)))" }

    /// The subject of `operation` in this mode.
    public func subject(_ operation: AdapterOperation) -> String {
        switch mode {
        case .controller:
            subjects.adapterController(family: Self.contractFamily(family), operation: operation)
        case .node(let node):
            subjects.adapterNode(family: Self.contractFamily(family), node: node, operation: operation)
        }
    }

    /// Every (operation, subject) this adapter subscribes to.
    public var all: [(operation: AdapterOperation, subject: String)] {
        mode.operations.map { ($0, subject($0)) }
    }
}
