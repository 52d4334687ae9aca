import TiltLinearAlgebra

/// A tidy monthly CSV: a required header (`month,<name>,...`, the first column's name is free, the others
/// non-empty and distinct; names may be quoted), one row per month (`YYYY-MM`, `YYYYMM`, `YYYY-MM-DD`,
/// `YYYYMMDD` or `YYYY/MM/DD`), strictly increasing,
/// numeric values taken as written (empty cells and `NA` are NaN). Shared by the tidy factor files, the
/// wide asset files and a parametric policy's characteristic files.
public struct MonthlyTable: Sendable {
    public let months: [Month]
    /// months × columns, rows labelled `YYYY-MM`, columns by the header names (trimmed).
    public let values: Matrix
    /// 1-based line of the header.
    let headerLine: Int
    /// 1-based line of each month's row, so that a problem found later (a gap in the months two files
    /// share) can point at it.
    let rowLines: [Int]

    /// Reads the file at `path`, its values of any sign and unit (market caps, characteristics).
    public init(path: String) throws {
        try self.init(document: CSVDocument(path: path), returns: nil)
    }

    /// Reads `document`; when its values are `returns`, each must be at least −100%; each must pass `check`.
    /// Values in `missingCodes` are missing (NaN), before either check.
    init(document: CSVDocument, returns: ReturnColumns?, check: NumericRows.CellCheck? = nil,
         missingCodes: Set<Double> = []) throws {
        let records = try document.records().filter { !$0.isBlank }
        guard let header = records.first else {
            throw document.error(line: 1, column: nil, message: "the file is empty")
        }
        guard Month(parsing: document.trimmedText(of: header.fields[0])) == nil else {
            throw document.error(at: header.fields[0], "a header line (month,<name>,...) is required")
        }
        guard header.fields.count >= 2 else {
            throw document.error(line: header.line, column: nil, message: "the header names no value columns",
                                 hint: document.separatorHint([header]))
        }
        let rows = records.dropFirst()
        guard !rows.isEmpty else {
            throw document.error(line: header.line, column: nil, message: "the file has a header but no data rows")
        }
        let names = try document.headerNames(header.fields.dropFirst())
        let reader = NumericRows(document: document, fieldCount: header.fields.count, firstValueField: 1,
                                 countSource: "the header on line \(header.line)", columnNames: names)
        var periods = IncreasingPeriods(document: document)
        for (k, row) in rows.enumerated() {
            try reader.checkFieldCount(row)
            let month: Month
            do {
                month = try document.month(in: row.fields[0])
            } catch var error as DataError where k == 0 && returns == .assets {
                // Most likely a long panel whose column names were not recognised.
                error.message += ": the first column of a wide returns file holds the months"
                error.hint = AssetPanel.longPanelHint(header: header.fields.map(document.trimmedText(of:)))
                throw error
            }
            try periods.append(ordinal: month.ordinal, label: month.description, at: row.fields[0])
        }
        months = periods.ordinals.map(Month.init(ordinal:))
        values = Matrix(rows: rows.count, cols: names.count, columnMajor: try reader.read(rows, returns: returns, check: check) { missingCodes.contains($0) ? .nan : $0 },
                        rowLabels: months.map(\.description), colLabels: names)
        headerLine = header.line
        rowLines = rows.map(\.line)
    }
}
