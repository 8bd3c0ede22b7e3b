import SwiftProtobuf
import Foundation
/// What went wrong, in one line an operator can act on. The CLI prints `description` on stderr
/// and exits non-zero; nothing here carries a stack trace.
public enum OperatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No server answered within the connect timeout.
    case busUnreachable(servers: [String], after: Duration)
    /// A server answered and closed the connection (authentication, TLS).
    case busRefused(servers: [String], user: String?, detail: String)
    /// The streams or buckets are missing, or this user may not read them.
    case topologyMissing(String)
    /// The bus failed a request.
    case bus(String)
    /// Nothing on the bus about this pod.
    case unknownPod(String)
    /// The answer cannot be given (a node not waiting for approval, a pause without a reason).
    case refused(String)
    /// Kubernetes could not be reached or refused.
    case kubernetes(String)

    public var description: String {
        switch self {
        case .busUnreachable(let servers, let after):
            "cannot reach the bus at \(servers.joined(separator: ", ")) (no answer within \(Self.seconds(after))); check --bus.servers (PODGUARD_BUS_SERVERS), a port-forward, or the network"
        case .busRefused(let servers, let user, let detail):
            "the bus at \(servers.joined(separator: ", ")) refused the connection\(user.map { " as \($0)" } ?? ""): \(detail); check the user and password (--bus.user, PODGUARD_BUS_PASSWORD or PODGUARD_NATS_<ROLE>_PASSWORD) and the TLS files"
        case .topologyMissing(let text), .bus(let text), .unknownPod(let text), .refused(let text), .kubernetes(let text):
            text
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds) s" : "\(Double(seconds) + Double(attoseconds) / 1e18) s"
    }
}
