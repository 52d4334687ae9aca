import TiltBacktest
import TiltEditorSupport
import TiltLanguage
import TiltLinearAlgebra
import TiltReport

/// How the kernel shows values and results in a notebook: a MIME bundle with `text/plain` (what the REPL
/// prints) and, for matrices and backtests, `text/html` (a table with the matrix's labels; the report's
/// summary and crisis tables).
enum RichOutput {
    /// The most rows and columns of a matrix shown in HTML; a larger one is shown with its first and last
    /// rows (columns) around a ⋮ (…), as the REPL elides text.
    static let maximumRows = 60
    static let maximumColumns = 20

    /// An expression statement's value, `expression = value` as the REPL prints it.
    static func bundle(expression: String, value: Value) -> JSONValue {
        let shown = value.rendered()
        let plain = shown.contains("\n") ? "\(expression) =\n\(shown)" : "\(expression) = \(shown)"
        guard case .matrix(let m) = value else { return ["text/plain": .string(plain)] }
        return ["text/plain": .string(plain), "text/html": .string(html(m, caption: "\(expression) — \(value.typeDescription)"))]
    }

    /// A matrix as an HTML table: column labels as the header, row labels as the first column (positions,
    /// 1-based, when a matrix has none), numbers to 6 significant digits.
    static func html(_ m: Matrix, caption: String) -> String {
        let x = XMLText.escape
        let rows = Matrix.shownPositions(m.rows, limit: maximumRows), columns = Matrix.shownPositions(m.cols, limit: maximumColumns)
        var out = "<table class=\"tilt-matrix\">\n<caption>\(x(caption))</caption>\n<thead><tr><th></th>"
        for j in columns {
            out += j.map { "<th>\(x(m.colLabels?[$0] ?? String($0 + 1)))</th>" } ?? "<th>…</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for i in rows {
            guard let i else {
                out += "<tr><th>⋮</th>" + columns.map { _ in "<td>⋮</td>" }.joined() + "</tr>\n"
                continue
            }
            out += "<tr><th>\(x(m.rowLabels?[i] ?? String(i + 1)))</th>"
            for j in columns {
                out += j.map { "<td>\(x(formatNumber(m[i, $0])))</td>" } ?? "<td>…</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// A strategy's backtests: the report's tables (summary, crises) and its notes.
    static func bundle(results: [BacktestResult]) throws -> JSONValue {
        let tables = try ReportTables(results)
        var html = "<div class=\"tilt-report\">\n" + ([tables.summary] + tables.crises).map { $0.html() }.joined()
        html += tables.notes.map { "<p>\(XMLText.escape($0))</p>\n" }.joined() + "</div>\n"
        return ["text/plain": .string(tables.text()), "text/html": .string(html)]
    }
}
