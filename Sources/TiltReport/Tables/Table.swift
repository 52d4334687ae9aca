import Foundation

/// A table of text cells with a label column, rendered as aligned plain text, Markdown or HTML.
///
/// Rows are either values (a label and one cell per column) or section headings that group the rows
/// below them.
public struct Table: Sendable, Equatable {
    public enum Row: Sendable, Equatable {
        case section(String)
        case values(String, [String])
    }

    public var title: String
    /// Title of the label column.
    public var labelHeader: String
    /// Titles of the value columns.
    public var columns: [String]
    public var rows: [Row]

    public init(title: String, labelHeader: String, columns: [String], rows: [Row]) {
        self.title = title
        self.labelHeader = labelHeader
        self.columns = columns
        self.rows = rows
    }

    /// Plain text no wider than `width` characters: labels left-aligned, values right-aligned. When the
    /// columns do not fit side by side they are split into blocks that each repeat the label column;
    /// over-long cells are shortened with "…".
    public func text(width: Int = 100) -> String {
        let gap = 2
        let labelWidth = min(width / 2, (rows.filter { $0.cells != nil }.map(\.label) + [labelHeader]).map(\.count).max() ?? 0)
        let available = max(1, width - labelWidth - gap)
        let columnWidths = columns.indices.map { c in
            min(available, ([columns[c]] + rows.compactMap { $0.cells?[c] }).map(\.count).max() ?? 0)
        }
        var blocks: [[Int]] = [[]]
        var used = 0
        for c in columns.indices {
            if let last = blocks.last, !last.isEmpty, used + gap + columnWidths[c] > width - labelWidth {
                blocks.append([])
                used = 0
            }
            blocks[blocks.count - 1].append(c)
            used += gap + columnWidths[c]
        }
        var lines = [title]
        for block in blocks {
            func line(_ label: String, _ cells: [String]?) -> String {
                var text = Self.fit(label, labelWidth).padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                for c in block {
                    let cell = Self.fit(cells?[c] ?? "", columnWidths[c])
                    text += String(repeating: " ", count: gap + columnWidths[c] - cell.count) + cell
                }
                return text.trailingSpacesRemoved
            }
            let header = line(labelHeader, columns)
            lines.append(header)
            lines.append(String(repeating: "─", count: header.count))
            for row in rows {
                lines.append(row.cells == nil ? Self.fit(row.label, width) : line(row.label, row.cells))
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// A Markdown pipe table under a level-3 heading; section rows are bold labels with empty cells.
    public func markdown() -> String {
        func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        func line(_ cells: [String]) -> String { "| " + cells.map(escape).joined(separator: " | ") + " |" }
        var lines = ["### \(title)", "", line([labelHeader] + columns), "|:---" + String(repeating: "|---:", count: columns.count) + "|"]
        for row in rows {
            lines.append(line(row.cells.map { [row.label] + $0 } ?? ["**\(row.label)**"] + columns.map { _ in "" }))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An HTML `<table>` with a caption; section rows span all columns.
    public func html() -> String {
        let x = XMLText.escape
        var out = "<table>\n<caption>\(x(title))</caption>\n<thead><tr><th>\(x(labelHeader))</th>"
        out += columns.map { "<th>\(x($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            if let cells = row.cells {
                out += "<tr><th>\(x(row.label))</th>" + cells.map { "<td>\(x($0))</td>" }.joined() + "</tr>\n"
            } else {
                out += "<tr class=\"section\"><th colspan=\"\(columns.count + 1)\">\(x(row.label))</th></tr>\n"
            }
        }
        return out + "</tbody>\n</table>\n"
    }

    private static func fit(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }
}

extension Table.Row {
    var label: String {
        switch self {
        case .section(let label), .values(let label, _): label
        }
    }

    var cells: [String]? {
        if case .values(_, let cells) = self { cells } else { nil }
    }
}

extension String {
    var trailingSpacesRemoved: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
