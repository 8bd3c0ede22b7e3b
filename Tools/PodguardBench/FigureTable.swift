import Foundation
/// A plain-text table of benchmark figures: value, target, and whether the target is met.
struct FigureTable {
    struct Row {
        var figure: String
        var value: String
        var target: String
        var met: Bool?
    }

    var title: String
    private(set) var rows: [Row] = []

    init(title: String) {
        self.title = title
    }

    mutating func add(_ figure: String, value: String, target: String = "", met: Bool? = nil) {
        rows.append(Row(figure: figure, value: value, target: target, met: met))
    }

    func render() -> String {
        let header = Row(figure: "figure", value: "value", target: "target", met: nil)
        let all = [header] + rows
        let widths = (
            all.map(\.figure.count).max() ?? 0,
            all.map(\.value.count).max() ?? 0,
            all.map(\.target.count).max() ?? 0
        )
        func line(_ row: Row, metText: String) -> String {
            row.figure.padding(toLength: widths.0, withPad: " ", startingAt: 0) + "  "
                + row.value.padding(toLength: widths.1, withPad: " ", startingAt: 0) + "  "
                + row.target.padding(toLength: widths.2, withPad: " ", startingAt: 0) + "  " + metText
        }
        var output = [title, line(header, metText: "met")]
        output.append(String(repeating: "-", count: widths.0 + widths.1 + widths.2 + 11))
        for row in rows {
            let metText: String
            switch row.met {
            case .some(true): metText = "yes"
            case .some(false): metText = "NO"
            case .none: metText = ""
            }
            output.append(line(row, metText: metText))
        }
        let judged = rows.compactMap(\.met)
        output.append("targets met: \(judged.filter { $0 }.count) of \(judged.count)")
        return output.joined(separator: "\n")
    }
}
