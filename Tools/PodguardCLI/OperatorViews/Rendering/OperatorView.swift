import SwiftProtobuf
import Foundation
/// An answer the CLI prints: words and tables for people, its fields for scripts.
public protocol OperatorView: Encodable, Sendable {
    /// The text a person reads (`--output table`), ending with a newline.
    var text: String { get }
}
