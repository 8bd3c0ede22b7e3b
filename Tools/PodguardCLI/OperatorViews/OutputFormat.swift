import SwiftProtobuf
import Foundation
/// How the CLI prints an answer: a table for people, JSON or YAML for scripts.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table
    case json
    case yaml
}
