import Foundation

/// A number as every Tilt printer shows it: `significantDigits` significant digits (1…17) in the
/// shortest of fixed or exponent form (C's `%g`: exponent form below 1e-4 or from 10^digits up),
/// with `0` for −0 and `NaN`, `Inf`, `-Inf` for the non-finite values.
public func formatNumber(_ x: Double, significantDigits: Int = 6) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x < 0 ? "-Inf" : "Inf" }
    if x == 0 { return "0" }
    let digits = Swift.min(Swift.max(significantDigits, 1), 17)
    return String(format: "%.\(digits)g", x)
}

extension Matrix {
    /// An aligned table for the REPL: a first line with the shape ("48×6 matrix"), then a header of
    /// column labels (or 1-based positions) and one line per row led by its label (or position).
    /// Beyond `maxRows` rows / `maxColumns` columns the middle is elided with a "⋮" row / "…" column,
    /// keeping the head and the tail.
    public func formatted(maxRows: Int = 20, maxColumns: Int = 8, significantDigits: Int = 6) -> String {
        let title = "\(shapeDescription) matrix"
        guard rows > 0, cols > 0 else { return title }
        let shownRows = Matrix.shownPositions(rows, limit: maxRows)
        let shownCols = Matrix.shownPositions(cols, limit: maxColumns)

        let rowNames = shownRows.map { i in i.map { rowLabels?[$0] ?? "\($0 + 1)" } ?? "⋮" }
        let header = shownCols.map { j in j.map { colLabels?[$0] ?? "\($0 + 1)" } ?? "…" }
        let cells: [[String]] = shownRows.map { i in
            shownCols.map { j in
                switch (i, j) {
                case let (i?, j?): formatNumber(self[i, j], significantDigits: significantDigits)
                case (nil, nil): "⋱"
                case (nil, _?): "⋮"
                case (_?, nil): "…"
                }
            }
        }

        let nameWidth = rowNames.map(\.count).max() ?? 0
        let widths = shownCols.indices.map { c in
            cells.reduce(header[c].count) { Swift.max($0, $1[c].count) }
        }
        func line(_ name: String, _ entries: [String]) -> String {
            let padded = zip(entries, widths).map { String(repeating: " ", count: $1 - $0.count) + $0 }
            let text = ([name + String(repeating: " ", count: nameWidth - name.count)] + padded)
                .joined(separator: "  ")
            return String(text.reversed().drop(while: { $0 == " " }).reversed())
        }
        return ([title, line("", header)] + zip(rowNames, cells).map(line)).joined(separator: "\n")
    }

    /// The positions to show along an axis of `extent` with at most `limit` (≥ 2) entries: all of
    /// them, or the head and tail with `nil` marking the elided middle.
    public static func shownPositions(_ extent: Int, limit: Int) -> [Int?] {
        let limit = Swift.max(limit, 2)
        guard extent > limit else { return Array(0..<extent) }
        let head = (limit + 1) / 2
        let tail = limit - head
        return Array(0..<head) + [nil] + Array((extent - tail)..<extent)
    }
}
