import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The chassis-control hook of a simulated node's BMC: OpenIPMI's `ipmi_sim` runs it as
/// `<hook> <mc> get power` or `<hook> <mc> set power <0|1>` when a fence agent reads or switches the
/// power, and this turns that into the node simulator's power call (`PUT /nodes/<n>/power`): off
/// takes the node down, on boots it with a new boot ID.
///
/// ```
/// chassis_control "podguard-node-sim chassis --control http://127.0.0.1:PORT --node worker-2 0x20"
/// ```
struct ChassisHookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chassis", abstract: "ipmi_sim chassis_control hook: read or switch a simulated node's power.")

    @Option(help: "The node simulator's control API (http://127.0.0.1:PORT).")
    var control: String

    @Option(help: "The simulated node this BMC belongs to.")
    var node: String

    @Argument(help: "What ipmi_sim passes: <mc> get <parm>... | <mc> set <parm> <value>...")
    var words: [String]

    func run() async throws {
        guard words.count >= 2 else { throw ValidationError("expected <mc> get|set ...") }
        let operation = words[1]
        let parameters = Array(words.dropFirst(2))
        let url = try powerURL()
        switch operation {
        case "get":
            for parameter in parameters {
                switch parameter {
                case "power": print("power:\(try await power(url) ? 1 : 0)")
                case "boot": print("boot:default")
                default: throw ValidationError("cannot get \(parameter)")
                }
            }
        case "set":
            var index = 0
            while index + 1 < parameters.count {
                let (parameter, value) = (parameters[index], parameters[index + 1])
                index += 2
                // A reset pulse or a boot device is accepted and changes nothing here.
                guard parameter == "power" else { continue }
                try await setPower(url, on: value == "1")
            }
        default:
            throw ValidationError("unknown operation \(operation)")
        }
    }

    private func powerURL() throws -> URL {
        guard let base = URL(string: control), let encoded = node.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) else {
            throw ValidationError("bad --control \(control) or --node \(node)")
        }
        return base.appendingPathComponent("nodes/\(encoded)/power")
    }

    private struct Power: Codable {
        var on: Bool
    }

    private func power(_ url: URL) async throws -> Bool {
        let (data, response) = try await URLSession.shared.data(from: url)
        try Self.check(response, data)
        return try JSONDecoder().decode(Power.self, from: data).on
    }

    private func setPower(_ url: URL, on: Bool) async throws {
        var request = URLRequest(url: url)
        request.httpMethod = "PUT"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(Power(on: on))
        let (data, response) = try await URLSession.shared.data(for: request)
        try Self.check(response, data)
    }

    private static func check(_ response: URLResponse, _ data: Data) throws {
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            throw ValidationError("node simulator answered \((response as? HTTPURLResponse)?.statusCode ?? 0): "
                                  + String(decoding: data, as: UTF8.self))
        }
    }
}
