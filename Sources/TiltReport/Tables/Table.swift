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
    /// Footnotes printed under the table: what its abbreviations mean.
    public var notes: [String]

    public init(title: String, labelHeader: String, columns: [String], rows: [Row], notes: [String] = []) {
        self.title = title
        self.labelHeader = labelHeader
        self.columns = columns
        self.rows = rows
        self.notes = notes
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
        if !notes.isEmpty { lines.insert(contentsOf: notes.flatMap { Self.wrap($0, width) }, at: lines.count - 1) }
        return lines.joined(separator: "\n")
    }

    /// `text` broken at spaces into lines of at most `width` characters (a longer word stays whole).
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + (line.isEmpty ? [] : [line])
    }

    /// A Markdown pipe table under a level-3 heading; section rows are bold labels with empty cells.
    public func markdown() -> String {
        func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        func line(_ cells: [String]) -> String { "| " + cells.map(escape).joined(separator: " | ") + " |" }
        var lines = ["### \(title)", "", line([labelHeader] + columns), "|:---" + String(repeating: "|---:", count: columns.count) + "|"]
        for row in rows {
            lines.append(line(row.cells.map { [row.label] + $0 } ?? ["**\(row.label)**"] + columns.map { _ in "" }))
        }
        if !notes.isEmpty { lines += [""] + notes.map { "*\($0)*" } }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An HTML `<table>` with a caption; section rows span all columns. A row label or column title that
    /// names a metric of `MetricGlossary` carries its definition as a tooltip (and a dotted underline);
    /// notes follow the table as a small paragraph.
    public func html() -> String {
        let x = XMLText.escape
        func header(_ text: String, _ attributes: String = "") -> String {
            guard let definition = MetricGlossary.definition(text) else { return "<th\(attributes)>\(x(text))</th>" }
            return "<th\(attributes) title=\"\(x(definition))\"><span class=\"defined\">\(x(text))</span></th>"
        }
        var out = "<table>\n<caption>\(x(title))</caption>\n<thead><tr>\(header(labelHeader))"
        out += columns.map { header($0) }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            if let cells = row.cells {
                out += "<tr>\(header(row.label))" + cells.map { "<td>\(x($0))</td>" }.joined() + "</tr>\n"
            } else {
                out += "<tr class=\"section\">\(header(row.label, " colspan=\"\(columns.count + 1)\""))</tr>\n"
            }
        }
        out += "</tbody>\n</table>\n"
        return out + (notes.isEmpty ? "" : "<p class=\"note\">\(notes.map(x).joined(separator: "<br/>"))</p>\n")
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
