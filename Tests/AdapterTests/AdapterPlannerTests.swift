import AdapterKit
import ArrayFamily
import Contracts
import CSISimulator
import SwiftProtobuf
import Testing

@Suite("AdapterPlanner: requests → CSI plans (pure)")
struct AdapterPlannerTests {
    static func validateRequest(node: String = "sdc-1", volumes: [String] = [], array: String = "",
                                timeout: Duration? = nil) -> Podguard_V1_ValidateHostConnectivityRequest {
        var request = Podguard_V1_ValidateHostConnectivityRequest()
        request.nodeName = "node1"
        request.csiNodeID = node
        request.volumeHandles = volumes
        request.arrayID = array
        if let timeout { request.timeout = timeout.protobuf }
        return request
    }

    @Test("an empty csi_node_id or an empty handle is INVALID_REQUEST (podmon's missing CSI annotations)")
    func invalidValidate() {
        let planner = AdapterPlanner(family: FamilyCatalog.family(.powerflex))
        #expect(throws: InvalidAdapterRequest.self) { try planner.validate(Self.validateRequest(node: "")) }
        #expect(throws: InvalidAdapterRequest.self) { try planner.validate(Self.validateRequest(volumes: [""])) }
    }

    struct DeadlineCase: Sendable, CustomTestStringConvertible {
        var family: ArrayFamilyID
        var timeout: Duration?
        var cold: Bool
        var expected: Duration
        var testDescription: String { "\(family) timeout=\(String(describing: timeout)) cold=\(cold)" }
    }

    @Test("the request's timeout wins; otherwise the family's (cold) validate deadline", arguments: [
        DeadlineCase(family: .powerflex, timeout: nil, cold: false, expected: .seconds(10)),
        DeadlineCase(family: .powerstore, timeout: nil, cold: false, expected: .seconds(22)),
        DeadlineCase(family: .unity, timeout: nil, cold: false, expected: .seconds(15)),
        DeadlineCase(family: .unity, timeout: nil, cold: true, expected: .seconds(35)),
        DeadlineCase(family: .powermax, timeout: .seconds(3), cold: true, expected: .seconds(3)),
    ])
    func validateDeadline(_ c: DeadlineCase) throws {
        let planner = AdapterPlanner(family: FamilyCatalog.family(c.family))
        #expect(try planner.validate(Self.validateRequest(timeout: c.timeout), cold: c.cold).deadline == c.expected)
    }

    @Test("node-only checks ask each known array; array_id restricts; PowerScale cannot be restricted")
    func validateArrays() throws {
        let flex = AdapterPlanner(family: FamilyCatalog.family(.powerflex), knownArrays: ["a1", "a2"])
        #expect(try flex.validate(Self.validateRequest()).queries.map(\.arrayID) == ["a1", "a2"])
        #expect(try flex.validate(Self.validateRequest(array: "a2")).queries.map(\.requestArrayID) == ["a2"])
        let scale = AdapterPlanner(family: FamilyCatalog.family(.powerscale), knownArrays: ["c1", "c2"])
        let queries = try scale.validate(Self.validateRequest(array: "c2")).queries
        #expect(queries.map(\.arrayID) == [nil])
        #expect(queries.map(\.requestArrayID) == [""])
        let generic = AdapterPlanner(family: FamilyCatalog.family(.generic))
        #expect(try generic.validate(Self.validateRequest()).queries.isEmpty)
    }

    @Test("controller-unpublish needs a volume and a node id")
    func controllerUnpublish() throws {
        let planner = AdapterPlanner(family: FamilyCatalog.family(.powermax))
        var request = Podguard_V1_ControllerUnpublishRequest()
        request.volumeHandle = "v"
        #expect(throws: InvalidAdapterRequest.self) { try planner.controllerUnpublish(request) }
        request.csiNodeID = "n"
        let plan = try planner.controllerUnpublish(request)
        #expect(plan.deadline == .seconds(90))
        request.volumeHandle = ""
        #expect(throws: InvalidAdapterRequest.self) { try planner.controllerUnpublish(request) }
    }

    @Test("node paths default to the family's layout", arguments: ArrayFamilyID.allCases)
    func nodePaths(_ id: ArrayFamilyID) throws {
        let family = FamilyCatalog.family(id)
        let planner = AdapterPlanner(family: family)
        let expected = family.cleanupPlan(for: VolumeOnNode(podUID: "uid-1", pvName: "pv-1", volumeHandle: "h-1"))

        var unpublish = Podguard_V1_NodeUnpublishRequest()
        unpublish.volumeHandle = "h-1"
        #expect(throws: InvalidAdapterRequest.self) { try planner.nodeUnpublish(unpublish) }
        unpublish.podUid = "uid-1"
        unpublish.pvName = "pv-1"
        #expect(try planner.nodeUnpublish(unpublish).targetPath == expected.targetPath)
        unpublish.targetPath = "/explicit"
        #expect(try planner.nodeUnpublish(unpublish).targetPath == "/explicit")

        var unstage = Podguard_V1_NodeUnstageRequest()
        unstage.volumeHandle = "h-1"
        #expect(throws: InvalidAdapterRequest.self) { try planner.nodeUnstage(unstage) }
        unstage.pvName = "pv-1"
        #expect(try planner.nodeUnstage(unstage).stagingPaths == expected.stagingPaths)
        if id == .powerscale { #expect(expected.stagingPaths.isEmpty) }
        unstage.stagingTargetPath = "/stage"
        #expect(try planner.nodeUnstage(unstage).stagingPaths == ["/stage"])
    }
}
