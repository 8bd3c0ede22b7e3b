import ArrayFamily
public import Hummingbird
import Kube

/// The node simulator's control surface for the executable and the demo: JSON on a loopback port.
///
/// | call | body | does |
/// |---|---|---|
/// | `GET /nodes` | | every node: state, boot ID, driver pod readiness, pods with their writes |
/// | `POST /nodes/<n>/faults` | `{"kind":"kubelet-down"\|"interface-down"\|"reboot"\|"driver-pod-down"}` | injects |
/// | `DELETE /nodes/<n>/faults/<kind>` | | recovers (from `reboot`: boots with a new boot ID) |
/// | `POST /volumes` | `{"family","name","capacity"?,"accessModes"?,"claimNamespace"?,"claimName"?}` | array volume + static PV |
/// | `GET /invariant` | | `{"ok","violations","refusedWrites"}` |
public enum NodeSimulatorControlAPI {
    struct FaultRequest: Decodable {
        var kind: String
    }

    struct VolumeRequest: Decodable {
        var family: String
        var name: String
        var capacity: String?
        var accessModes: [String]?
        var claimNamespace: String?
        var claimName: String?
    }

    struct NodesView: ResponseEncodable {
        var nodes: [NodeSnapshot]
    }

    struct InvariantView: ResponseEncodable {
        var ok: Bool
        var violations: [String: [String]]
        var refusedWrites: [String: [String: Int]]
    }

    struct VolumeView: ResponseEncodable {
        var pv: String
        var driver: String
        var volumeHandle: String
        var storageClassName: String
    }

    struct Done: ResponseEncodable {
        var ok = true
    }

    /// A node's power, as its BMC's chassis control sees it.
    struct Power: ResponseEncodable, Decodable {
        var on: Bool
    }

    public static func router(for cluster: SimulatedCluster) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("nodes") { _, _ in NodesView(nodes: cluster.snapshots) }
        router.post("nodes/:node/faults") { request, context in
            let node = try context.parameters.require("node")
            let body = try await request.decode(as: FaultRequest.self, context: context)
            try await run { try await cluster.inject(try fault(body.kind), on: node) }
            return Done()
        }
        router.delete("nodes/:node/faults/:kind") { _, context in
            let node = try context.parameters.require("node")
            let kind = try context.parameters.require("kind")
            try await run { try await cluster.recover(try fault(kind), on: node) }
            return Done()
        }
        router.get("nodes/:node/power") { _, context in
            let node = try context.parameters.require("node")
            return try await run { Power(on: try cluster.isPoweredOn(node)) }
        }
        router.put("nodes/:node/power") { request, context in
            let node = try context.parameters.require("node")
            let body = try await request.decode(as: Power.self, context: context)
            try await run { try await cluster.setPower(on: body.on, node: node) }
            return Power(on: body.on)
        }
        router.get("invariant") { _, _ in
            let violations = cluster.violations
            return InvariantView(
                ok: violations.isEmpty,
                violations: Dictionary(uniqueKeysWithValues: violations.map { ($0.key.rawValue, $0.value.map(\.description)) }),
                refusedWrites: Dictionary(uniqueKeysWithValues: cluster.refusedWrites.map { ($0.key.rawValue, $0.value) }))
        }
        router.post("volumes") { request, context in
            let body = try await request.decode(as: VolumeRequest.self, context: context)
            guard let family = ArrayFamilyID(rawValue: body.family) else {
                throw HTTPError(.badRequest, message: "unknown family \(body.family)")
            }
            let claim = body.claimName.map { (namespace: body.claimNamespace ?? "default", name: $0) }
            let pv = try await run {
                try await cluster.createPersistentVolume(family: family, name: body.name, capacity: body.capacity ?? "1Gi",
                                                         accessModes: body.accessModes ?? ["ReadWriteOnce"], claim: claim)
            }
            return VolumeView(pv: pv.name, driver: pv.spec?.csi?.driver ?? "", volumeHandle: pv.spec?.csi?.volumeHandle ?? "",
                              storageClassName: cluster.storageClassName(for: family))
        }
        return router
    }

    static func fault(_ kind: String) throws -> NodeFault {
        guard let fault = NodeFault(rawValue: kind) else {
            let kinds = NodeFault.allCases.map(\.rawValue).joined(separator: ", ")
            throw HTTPError(.badRequest, message: "unknown fault kind \(kind) (\(kinds))")
        }
        return fault
    }

    /// Maps the simulator's refusals to HTTP statuses.
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as NodeSimulatorError {
            switch error {
            case .unknownNode, .notFamily: throw HTTPError(.notFound, message: error.description)
            case .invalidTransition: throw HTTPError(.conflict, message: error.description)
            case .notStarted: throw HTTPError(.serviceUnavailable, message: error.description)
            }
        } catch let error as KubeError {
            throw HTTPError(.badGateway, message: error.description)
        }
    }
}
