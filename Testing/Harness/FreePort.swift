#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private typealias SocketType = __socket_type
private func rawSocketType(_ type: SocketType) -> Int32 { Int32(type.rawValue) }
#else
private typealias SocketType = Int32
private func rawSocketType(_ type: SocketType) -> Int32 { type }
#endif

/// Asks the kernel for a free TCP port on the loopback interface.
///
/// The port is free when this returns; a server started right after binds it. Tests only ever use
/// loopback, never another address.
public enum FreePort {
    /// Whether something accepts TCP connections on `port` of 127.0.0.1 (a server is up).
    public static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, rawSocketType(SOCK_STREAM), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    public static func loopback() throws -> Int {
        try loopback(type: SOCK_STREAM)
    }

    /// A free UDP port on the loopback interface (a simulated BMC's).
    public static func loopbackUDP() throws -> Int {
        try loopback(type: SOCK_DGRAM)
    }

    private static func loopback(type: SocketType) throws -> Int {
        let fd = socket(AF_INET, rawSocketType(type), 0)
        guard fd >= 0 else { throw HarnessError.system("socket", errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw HarnessError.system("bind", errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(fd, $0, &length)
            }
        }
        guard named == 0 else { throw HarnessError.system("getsockname", errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
