import Foundation

/// A simulated BMC: OpenIPMI's `ipmi_sim` (Debian `openipmi`) serving IPMI over LAN on a free UDP
/// port of 127.0.0.1, with one admin user. Its chassis power is switched by a hook command (IPMI
/// "chassis control"): by default a script of this harness that keeps the power in a file
/// (`powerIsOn`, `powerChanges`); a node simulator passes a hook that powers its node.
///
/// Real fence agents drive it as they drive a server's BMC: `fence_ipmilan` with `lanplus=1` and
/// `cipher=3` (ipmi_sim cannot list its cipher suites, so an agent that asks waits 10 s for nothing).
public final class IPMISimulatorProcess: Sendable {
    public let port: Int
    public let username: String
    public let password: String
    public let workDirectory: URL
    private let state = LockedProcess()

    /// Starts a BMC whose chassis control runs `chassisHook` (ipmi_sim appends `get power` or
    /// `set power 0|1`); nil: the harness's power-file script.
    public static func start(username: String = "admin", password: String = "secret",
                             chassisHook: String? = nil) async throws -> IPMISimulatorProcess {
        var lastError: (any Error)?
        // A free UDP port can be taken between the choice and the bind: try a few.
        for _ in 0..<3 {
            let bmc = try IPMISimulatorProcess(port: FreePort.loopbackUDP(), username: username, password: password,
                                               chassisHook: chassisHook)
            do {
                try await bmc.launch()
                return bmc
            } catch {
                lastError = error
            }
        }
        throw lastError ?? HarnessError.didNotStart("ipmi_sim", log: "")
    }

    private init(port: Int, username: String, password: String, chassisHook: String?) throws {
        self.port = port
        self.username = username
        self.password = password
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("podguard-bmc-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work.appendingPathComponent("state"), withIntermediateDirectories: true)
        self.workDirectory = work
        let hook = chassisHook ?? work.appendingPathComponent("chassis").path
        // The power-file hook: `<mc> get power` prints `power:<0|1>`; `<mc> set power <v>` stores it.
        let script = """
            #!/bin/sh
            state="\(work.path)/power"
            [ -f "$state" ] || echo 1 > "$state"
            shift
            op=$1; shift
            case "$op" in
            get) for p in "$@"; do [ "$p" = power ] && echo "power:$(cat "$state")"; [ "$p" = boot ] && echo "boot:default"; done ;;
            set) while [ $# -gt 1 ]; do [ "$1" = power ] && echo "$2" > "$state" && echo "$2" >> "$state.log"; shift 2; done ;;
            esac
            exit 0

            """
        let scriptURL = work.appendingPathComponent("chassis")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: scriptURL.path)
        let lan = """
            name "podguard-bmc"
            set_working_mc 0x20
              startlan 1
                addr 127.0.0.1 \(port)
                priv_limit admin
                allowed_auths_callback none md2 md5 straight
                allowed_auths_user none md2 md5 straight
                allowed_auths_operator none md2 md5 straight
                allowed_auths_admin none md2 md5 straight
                guid a123456789abcdefa123456789abcdef
              endlan
              chassis_control "\(hook) 0x20"
              user 2 true "\(username)" "\(password)" admin 10 none md2 md5 straight

            """
        try lan.write(to: work.appendingPathComponent("lan.conf"), atomically: true, encoding: .utf8)
        try "mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\nmc_enable 0x20\n"
            .write(to: work.appendingPathComponent("bmc.emu"), atomically: true, encoding: .utf8)
    }

    private var logFile: URL { workDirectory.appendingPathComponent("ipmi_sim.log") }

    private func launch() async throws {
        let process = Process()
        process.executableURL = try Self.findExecutable()
        process.arguments = ["-c", workDirectory.appendingPathComponent("lan.conf").path,
                             "-f", workDirectory.appendingPathComponent("bmc.emu").path,
                             "-s", workDirectory.appendingPathComponent("state").path, "-n"]
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()
        state.set(process)
        if try await process.becomesReady({ Self.listensUDP(port: port) }) { return }
        let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(no log)"
        stop()
        throw HarnessError.didNotStart("ipmi_sim on 127.0.0.1:\(port)", log: output)
    }

    private static func findExecutable() throws -> URL {
        for directory in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] {
            let path = URL(fileURLWithPath: directory).appendingPathComponent("ipmi_sim")
            if FileManager.default.isExecutableFile(atPath: path.path) { return path }
        }
        throw HarnessError.executableNotFound("ipmi_sim", hint: "run `make setup` (apt-get install openipmi)")
    }

    /// Whether a UDP socket is bound to 127.0.0.1:`port` (`/proc/net/udp`, addresses in hex).
    static func listensUDP(port: Int) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8) else { return false }
        let wanted = String(format: "0100007F:%04X", port)
        return table.split(separator: "\n").contains { $0.split(separator: " ").dropFirst().first.map(String.init) == wanted }
    }

    /// The chassis power the power-file hook holds (nil with a hook of the caller's).
    public var powerIsOn: Bool? {
        guard let text = try? String(contentsOf: workDirectory.appendingPathComponent("power"), encoding: .utf8) else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// Every power change the power-file hook was asked for, in order (`true` = on).
    public var powerChanges: [Bool] {
        let text = (try? String(contentsOf: workDirectory.appendingPathComponent("power.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { $0 == "1" }
    }

    /// Kills the BMC (ipmi_sim ignores SIGTERM; it keeps nothing that needs a clean stop).
    public func stop() {
        guard let process = state.take() else { return }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
    }
}
