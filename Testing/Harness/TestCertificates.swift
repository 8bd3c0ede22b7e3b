import Foundation

/// A throwaway certificate authority with a server certificate for 127.0.0.1/localhost and a
/// client certificate, made with the openssl command line (PEM files in one directory): TLS to
/// NATS with both sides verified, as production runs it.
public struct TestCertificates: Sendable {
    public let directory: URL
    public var authority: URL { directory.appendingPathComponent("ca.crt") }
    public var serverCertificate: URL { directory.appendingPathComponent("server.crt") }
    public var serverKey: URL { directory.appendingPathComponent("server.key") }
    public var clientCertificate: URL { directory.appendingPathComponent("client.crt") }
    public var clientKey: URL { directory.appendingPathComponent("client.key") }

    /// Makes the authority and both certificates in `directory` (created if absent); valid one day.
    public static func make(in directory: URL) async throws -> TestCertificates {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let openssl = try findOpenSSL()
        let certificates = TestCertificates(directory: directory)
        func run(_ arguments: [String]) async throws {
            let result = try await ChildProcess.run(openssl, arguments, currentDirectory: directory)
            guard result.status == 0 else {
                throw HarnessError.didNotStart("openssl \(arguments.prefix(2).joined(separator: " "))", log: result.output)
            }
        }
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await run(["req", "-x509"] + key + ["-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
                                               "-subj", "/CN=podguard test CA"])
        for (name, extensions) in [("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth"),
                                   ("client", "extendedKeyUsage=clientAuth")] {
            try extensions.write(to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
            try await run(["req"] + key + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=podguard test \(name)"])
            try await run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                           "-out", "\(name).crt", "-days", "1", "-extfile", "\(name).ext"])
        }
        return certificates
    }

    private static func findOpenSSL() throws -> URL {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent("openssl")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw HarnessError.executableNotFound("openssl", hint: "run `make setup` (apt-get install openssl)")
    }
}
