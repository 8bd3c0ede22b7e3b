import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP relay in front of the apiserver that a test can cut: ``severConnections()``
/// kills every open connection (what a network blip or apiserver restart does to a watch), and
/// ``refuseNewConnections(_:)`` keeps the client out until the test lets it back in. TLS passes
/// through untouched (the serving certificate is for 127.0.0.1, whatever the port).
public final class KubeControlPlaneProxy: Sendable {
    public let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let connections = Mutex<Set<Int32>>([])
    private let refusing = Mutex(false)
    private let closed = Mutex(false)

    /// `https://127.0.0.1:<port>`: use as the client's server URL.
    public var url: String { "https://127.0.0.1:\(port)" }

    public init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError.system("socket", errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            Glibc.close(fd)
            throw HarnessError.system("bind/listen", errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = fd
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Closes every relayed connection (both sides see a reset/EOF).
    public func severConnections() {
        let open = connections.withLock { set in
            defer { set.removeAll() }
            return set
        }
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// While `true`, new connections are accepted and closed at once.
    public func refuseNewConnections(_ refuse: Bool) {
        refusing.withLock { $0 = refuse }
    }

    /// Stops listening and closes everything.
    public func close() {
        let already = closed.withLock { value in
            defer { value = true }
            return value
        }
        guard !already else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        severConnections()
    }

    deinit {
        close()
    }

    private func acceptLoop() {
        while !closed.withLock({ $0 }) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            if refusing.withLock({ $0 }) {
                Glibc.close(client)
                continue
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                Glibc.close(upstream)
                Glibc.close(client)
                continue
            }
            connections.withLock { $0.formUnion([client, upstream]) }
            // Each direction pumps on its own thread; the first to stop shuts both sockets, the
            // second closes them.
            let finished = Mutex(0)
            let pump: @Sendable (Int32, Int32) -> Void = { [self] from, to in
                Self.relay(from: from, to: to)
                shutdown(from, Int32(SHUT_RDWR))
                shutdown(to, Int32(SHUT_RDWR))
                let last = finished.withLock { count in
                    count += 1
                    return count == 2
                }
                if last {
                    connections.withLock { $0.subtract([client, upstream]) }
                    Glibc.close(client)
                    Glibc.close(upstream)
                }
            }
            Thread.detachNewThread { pump(client, upstream) }
            Thread.detachNewThread { pump(upstream, client) }
        }
    }

    private static func relay(from: Int32, to: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            var offset = 0
            while offset < count {
                let written = buffer[offset..<count].withUnsafeBytes { send(to, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
