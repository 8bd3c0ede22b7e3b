import ArrayFamily
import Hummingbird
import Logging

/// The simulator's control surface for the executable and the demo: a small JSON API on a loopback
/// port.
///
/// | call | body | does |
/// |---|---|---|
/// | `GET /state` | | family, arrays, hosts with node ids, volumes with mappings, violations |
/// | `POST /volumes` | `{"name","array"?,"protocol"?,"remoteArray"?,"multiWriter"?}` | creates a volume, returns it |
/// | `POST /faults` | `{"kind":"path","host","array","down"}`, `{"kind":"io","volume","active"}`, `{"kind":"pending","method","count"}`, `{"kind":"latency","method"?,"milliseconds"}` | injects a fault |
/// | `POST /writes` | `{"volume","host"}` | a workload write; returns `{"accepted"}` |
/// | `POST /socket/down`, `POST /socket/up` | | stops / restarts serving the CSI socket |
/// | `GET /invariant` | | `{"ok", "violations"}` |
public enum SimulatorControlAPI {
    struct VolumeRequest: Decodable {
        var name: String
        var array: String?
        var `protocol`: String?
        var remoteArray: String?
        var multiWriter: Bool?
    }

    struct FaultRequest: Decodable {
        var kind: String
        var host: String?
        var array: String?
        var down: Bool?
        var volume: String?
        var active: Bool?
        var method: String?
        var count: Int?
        var milliseconds: Int?
    }

    struct WriteRequest: Decodable {
        var volume: String
        var host: String
    }

    struct VolumeView: ResponseEncodable {
        var handle: String
        var name: String
        var arrays: [String]
        var `protocol`: String
        var mappedTo: [String]
    }

    struct HostView: ResponseEncodable {
        var name: String
        var nodeID: String
        var ipAddress: String
    }

    struct StateView: ResponseEncodable {
        var family: String
        var driver: String
        var socket: String
        var arrays: [String]
        var hosts: [HostView]
        var volumes: [VolumeView]
        var violations: [String]
    }

    struct InvariantView: ResponseEncodable {
        var ok: Bool
        var violations: [String]
    }

    struct WriteView: ResponseEncodable {
        var accepted: Bool
    }

    struct Done: ResponseEncodable {
        var ok = true
    }

    /// The router of the API over `simulator`.
    public static func router(for simulator: CSIDriverSimulator) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("state") { _, _ in view(of: simulator) }
        router.get("invariant") { _, _ in
            let violations = simulator.violations.map(\.description)
            return InvariantView(ok: violations.isEmpty, violations: violations)
        }
        router.post("volumes") { request, context in
            let body = try await request.decode(as: VolumeRequest.self, context: context)
            let proto = body.protocol.flatMap(StorageProtocol.init(rawValue:)) ?? .block
            let volume = simulator.createVolume(name: body.name, array: body.array, storageProtocol: proto,
                                                remoteArray: body.remoteArray, multiWriter: body.multiWriter ?? false)
            return VolumeView(handle: volume.handle, name: volume.name, arrays: volume.arrays,
                              protocol: volume.storageProtocol.rawValue, mappedTo: [])
        }
        router.post("faults") { request, context in
            let body = try await request.decode(as: FaultRequest.self, context: context)
            simulator.inject(try fault(from: body))
            return Done()
        }
        router.post("writes") { request, context in
            let body = try await request.decode(as: WriteRequest.self, context: context)
            return WriteView(accepted: simulator.write(volume: body.volume, from: body.host))
        }
        router.post("socket/down") { _, _ in
            await simulator.stop()
            return Done()
        }
        router.post("socket/up") { _, _ in
            try await simulator.start()
            return Done()
        }
        return router
    }

    static func fault(from body: FaultRequest) throws -> SimulatorFault {
        func need<T>(_ value: T?, _ name: String) throws -> T {
            guard let value else { throw HTTPError(.badRequest, message: "fault \(body.kind) needs \(name)") }
            return value
        }
        switch body.kind {
        case "path":
            return .path(host: try need(body.host, "host"), array: try need(body.array, "array"), down: body.down ?? true)
        case "io":
            return .io(volume: try need(body.volume, "volume"), active: body.active ?? true)
        case "pending":
            return .pending(method: try need(body.method, "method"), count: body.count ?? 1)
        case "latency":
            return .latency(method: body.method, delay: .milliseconds(try need(body.milliseconds, "milliseconds")))
        default:
            throw HTTPError(.badRequest, message: "unknown fault kind \(body.kind) (path, io, pending, latency)")
        }
    }

    static func view(of simulator: CSIDriverSimulator) -> StateView {
        let volumes = simulator.volumes.map { volume in
            VolumeView(handle: volume.handle, name: volume.name, arrays: volume.arrays,
                       protocol: volume.storageProtocol.rawValue,
                       mappedTo: simulator.mappings(of: volume.handle).sorted())
        }
        return StateView(
            family: simulator.family.id.rawValue, driver: simulator.family.csiDriverName,
            socket: simulator.socketPath, arrays: simulator.arrays,
            hosts: simulator.hosts.map { HostView(name: $0.name, nodeID: $0.nodeID, ipAddress: $0.identity.ipAddress) },
            volumes: volumes, violations: simulator.violations.map(\.description))
    }
}
