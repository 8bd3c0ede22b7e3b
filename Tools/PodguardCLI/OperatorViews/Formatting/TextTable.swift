import SwiftProtobuf
import Foundation
/// Columns aligned with two spaces between them, headers upper-cased, as kubectl prints them.
/// An empty cell prints "-", so a column never collapses and a script splitting on blanks keeps
/// its count.
public struct TextTable: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]

    public init(_ headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    public var text: String {
        let cells = [headers.map { $0.uppercased() }] + rows.map { row in
            headers.indices.map { index in
                let cell = index < row.count ? row[index] : ""
                return cell.isEmpty ? "-" : cell
            }
        }
        let widths = headers.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
