import Foundation
import Yams

extension KubeClientConfiguration {
    /// Reads a kubeconfig file: its current context (or `context`), that context's cluster and
    /// user. Relative file paths inside are relative to the kubeconfig's directory, as kubectl does.
    public static func fromKubeconfig(path: String, context: String? = nil) throws -> KubeClientConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KubeConfigError.unreadable(path: path, reason: "\(error)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try fromKubeconfig(yaml: text, context: context, baseDirectory: directory)
    }

    /// Parses kubeconfig YAML (pure: files are only read for `*-file` references).
    public static func fromKubeconfig(yaml: String, context: String? = nil, baseDirectory: String) throws -> KubeClientConfiguration {
        let file: KubeconfigFile
        do {
            file = try YAMLDecoder().decode(KubeconfigFile.self, from: yaml)
        } catch {
            throw KubeConfigError.invalid("kubeconfig is not valid YAML of the expected shape: \(error)")
        }
        guard let contextName = context ?? file.currentContext, !contextName.isEmpty else {
            throw KubeConfigError.invalid("no context given and no current-context")
        }
        guard let namedContext = file.contexts?.first(where: { $0.name == contextName }) else {
            throw KubeConfigError.invalid("context \(contextName) not found")
        }
        guard let cluster = file.clusters?.first(where: { $0.name == namedContext.context.cluster })?.cluster else {
            throw KubeConfigError.invalid("cluster \(namedContext.context.cluster) of context \(contextName) not found")
        }
        let user: KubeconfigUser?
        if let userName = namedContext.context.user, !userName.isEmpty {
            guard let found = file.users?.first(where: { $0.name == userName })?.user else {
                throw KubeConfigError.invalid("user \(userName) of context \(contextName) not found")
            }
            user = found
        } else {
            user = nil
        }

        var tls = TLSSettings()
        tls.caPEM = try pem(data: cluster.certificateAuthorityData, file: cluster.certificateAuthority, base: baseDirectory, what: "certificate-authority")
        tls.insecureSkipVerify = cluster.insecureSkipTLSVerify ?? false
        tls.serverName = cluster.tlsServerName
        var credentials = Credentials.none
        if let user {
            tls.clientCertificatePEM = try pem(data: user.clientCertificateData, file: user.clientCertificate, base: baseDirectory, what: "client-certificate")
            tls.clientKeyPEM = try pem(data: user.clientKeyData, file: user.clientKey, base: baseDirectory, what: "client-key")
            if (tls.clientCertificatePEM == nil) != (tls.clientKeyPEM == nil) {
                throw KubeConfigError.invalid("user \(namedContext.context.user ?? "") has a client certificate without key or a key without certificate")
            }
            if let token = user.token, !token.isEmpty {
                credentials = .bearerToken(token)
            } else if let tokenFile = user.tokenFile, !tokenFile.isEmpty {
                credentials = .tokenFile(path: resolve(tokenFile, base: baseDirectory), reReadInterval: .seconds(60))
            } else if let username = user.username, let password = user.password {
                credentials = .basic(username: username, password: password)
            }
        }
        guard cluster.server.hasPrefix("https://") || cluster.server.hasPrefix("http://") else {
            throw KubeConfigError.invalid("server \(cluster.server) is not an http(s) URL")
        }
        return KubeClientConfiguration(server: cluster.server, tls: tls, credentials: credentials, namespace: namedContext.context.namespace)
    }

    /// `*-data` (base64) wins over the file, as in client-go.
    static func pem(data: String?, file: String?, base: String, what: String) throws -> [UInt8]? {
        if let data, !data.isEmpty {
            guard let decoded = Data(base64Encoded: data.filter { !$0.isWhitespace }) else {
                throw KubeConfigError.invalid("\(what)-data is not valid base64")
            }
            return Array(decoded)
        }
        if let file, !file.isEmpty {
            let path = resolve(file, base: base)
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw KubeConfigError.unreadable(path: path, reason: "\(what) file missing or unreadable")
            }
            return Array(contents)
        }
        return nil
    }

    static func resolve(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") {
            return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(String(path.dropFirst(2))).path
        }
        return URL(fileURLWithPath: base).appendingPathComponent(path).path
    }
}
