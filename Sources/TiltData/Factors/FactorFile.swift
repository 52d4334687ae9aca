import TiltLinearAlgebra

/// Monthly factor returns (decimals) with the risk-free rate kept apart, read from a Ken French factor
/// file (`F-F_Research_Data_5_Factors_2x3.csv`, `F-F_Momentum_Factor.CSV`) or a tidy CSV
/// (`month,mktrf,smb,...`).
///
/// Factor names are canonical: lower case, letters and digits only (`Mkt-RF` → `mktrf`, `SMB` → `smb`),
/// and momentum (`Mom`) is called `umd`.
public struct FactorFile: Sendable {
    /// The path the factors were read from.
    public let path: String
    /// The months of the rows, strictly increasing.
    public let months: [Month]
    /// Canonical factor names, in file order, without `rf`.
    public let factorNames: [String]
    /// months × factors, monthly returns in decimals; rows labelled `YYYY-MM`, columns by `factorNames`.
    public let returns: Matrix
    /// The one-month T-bill rate (monthly, decimal) as a months × 1 vector labelled `rf`, when the file
    /// has an `rf` column.
    public let riskFree: Matrix?
    /// 1-based line of each month's row in `path`, so that a problem found later (a gap in the months the
    /// factors share with the returns) can point at it; `nil` for factors not read from a file.
    public let rowLines: [Int]?
    /// The files the factors were read from (two for a joined set).
    public let sources: [String]
    /// Where each factor column's values are written (a joined set's come from two files), and the
    /// risk-free rate's, so that a missing value found later can be pointed at; `nil` for factors not read
    /// from a file.
    let factorCells: [CellSource]?
    let riskFreeCells: CellSource?

    /// Where the values of one column are in a file: its path, the field of the column in each row
    /// (0-based) and the line of each of this set's rows.
    struct CellSource: Sendable {
        let path: String
        let field: Int
        let lines: [Int]

        func pickingRows(_ indices: [Int]) -> CellSource {
            CellSource(path: path, field: field, lines: indices.map { lines[$0] })
        }
    }

    /// Reads a Ken French factor file exactly as downloaded (percent). Only the first monthly returns
    /// section is used; annual blocks are recognised and skipped.
    public static func load(path: String) throws -> FactorFile {
        let file = try KenFrenchFile.load(path: path, returns: .factors)
        guard let monthly = file.sections.first(where: { $0.kind == .monthly && $0.quantity == .returns }) else {
            throw DataError(path: path, line: 0, message: "no monthly factor section (rows YYYYMM) in the file")
        }
        try checkPercent(monthly, path: path)
        return try FactorFile(path: path, months: monthly.months, values: monthly.values, headerLine: monthly.headerLine,
                              rowLines: monthly.rowLines)
    }

    /// Months a Ken French section needs before `checkPercent` judges its units.
    static let unitsEvidenceMonths = 12

    /// Throws when a Ken French monthly section of a year or more has every factor return (rf aside) within
    /// ±1 as written: his files are in percent, and in any year some factor moves by more than 1% in some
    /// month (Mkt-RF's monthly standard deviation is about 4.5%), so such a file holds decimals and would be
    /// read 100 times too small. `section` holds the values already divided by 100.
    private static func checkPercent(_ section: KenFrenchSection, path: String) throws {
        let factors = section.columns.indices.filter { canonicalName(section.columns[$0]) != "rf" }
        guard section.months.count >= unitsEvidenceMonths, !factors.isEmpty else { return }
        let percentValues = factors.contains { j in (0..<section.values.rows).contains { abs(section.values[$0, j]) >= 0.01 } }
        guard !percentValues else { return }
        throw DataError(path: path, line: section.headerLine,
                        message: "every factor return of the \(section.months.count) months below lies within ±1 as written: Ken French's files are in percent, so this one looks like decimals (read as percent, its returns would be 100 times too small)",
                        hint: "write the returns in percent as he does (1.23 for 1.23%), or use a tidy file (month,mktrf,…,rf in decimals)")
    }

    /// Reads a factor file of either layout, recognised from its first lines (`isTidy(path:)`): a tidy CSV
    /// (`loadTidy`) or a Ken French file as downloaded (`load`).
    public static func read(path: String) throws -> FactorFile {
        try DataFile.checkReadable(path)
        return isTidy(path: path) ? try loadTidy(path: path) : try load(path: path)
    }

    /// Whether the file at `path` is a tidy factor file: its first non-blank line is a header of two or
    /// more cells whose first is a name (`month`, `date`, anything but a date; quoted or not), and the next
    /// line starts with a month or a date, or there is none (a header alone: `loadTidy` says the rows are
    /// missing). A Ken French file starts with lines of description instead, and has sections below them.
    public static func isTidy(path: String) -> Bool {
        guard let records = CSVFileReader(path: path).firstRecordTexts(count: 2), let header = records.first else { return false }
        let isDate = { (text: String) in Month.dateFields(Substring(text), compactDays: true, slashes: true) != nil }
        guard header.count >= 2, !header[0].isEmpty, !isDate(header[0]) else { return false }
        return records.count == 1 || records[1].first.map(isDate) == true
    }

    /// Reads a tidy CSV: a header `month,<factor>,...` (the first column's name is free: `month`, `date`, …;
    /// names may be quoted), one row per month (`YYYY-MM`, `YYYYMM`, or a date `YYYY-MM-DD`, `YYYYMMDD`,
    /// `YYYY/MM/DD`), factor returns in decimals (a value beyond ±1, ±100% in a month, is an error: the file
    /// is in percent); a column named `rf` (any case) is the risk-free rate. Empty cells, `NA` and Ken
    /// French's missing codes -99.99 and -999 (kept by someone who tidied his file) are NaN: missing, as in
    /// his own files; a month the returns need is then an error at the cell (`AlignedData`).
    public static func loadTidy(path: String) throws -> FactorFile {
        let table = try MonthlyTable(document: CSVDocument(path: path), returns: .factors, check: .decimalFactorReturn,
                                     missingCodes: KenFrenchFile.missingCodes)
        return try FactorFile(path: path, months: table.months, values: table.values, headerLine: table.headerLine,
                              rowLines: table.rowLines)
    }

    /// The canonical form of a factor column name (`Mkt-RF` → `mktrf`, `Mom` → `umd`).
    public static func canonicalName(_ name: String) -> String {
        let plain = String(name.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        return plain == "mom" ? "umd" : plain
    }

    /// Splits `values` (months × columns, decimals) into factors and the risk-free column.
    private init(path: String, months: [Month], values: Matrix, headerLine: Int, rowLines: [Int]) throws {
        let names = (values.colLabels ?? []).map(FactorFile.canonicalName)
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            throw DataError(path: path, line: headerLine, message: "factor '\(name)' appears twice in the header")
        }
        let factorColumns = names.indices.filter { names[$0] != "rf" }
        var factors = values.pickingColumns(factorColumns)
        factors.colLabels = factorColumns.map { names[$0] }
        let riskFreeColumn = names.firstIndex(of: "rf")
        // Both layouts have the month in field 0 and value column j in field j + 1.
        let cells = { (j: Int) in CellSource(path: path, field: j + 1, lines: rowLines) }
        self.init(path: path, months: months, factorNames: factorColumns.map { names[$0] }, returns: factors,
                  riskFree: riskFreeColumn.map { j in
                      var rf = values.pickingColumns([j])
                      rf.colLabels = ["rf"]
                      return rf
                  }, rowLines: rowLines, factorCells: factorColumns.map(cells), riskFreeCells: riskFreeColumn.map(cells))
    }

    /// A factor set from parts already checked (used when restricting to common months).
    init(path: String, months: [Month], factorNames: [String], returns: Matrix, riskFree: Matrix?, rowLines: [Int]? = nil,
         sources: [String]? = nil, factorCells: [CellSource]? = nil, riskFreeCells: CellSource? = nil) {
        self.path = path
        self.sources = sources ?? [path]
        self.months = months
        self.factorNames = factorNames
        self.returns = returns
        self.riskFree = riskFree
        self.rowLines = rowLines
        self.factorCells = factorCells
        self.riskFreeCells = riskFreeCells
    }

    /// These factors and `other`'s side by side over the months both have (a five-factor file joined with
    /// the momentum file: six factors); the risk-free rate is this file's (or `other`'s when this has none).
    /// Throws when a factor name is in both or no month is.
    public func joined(with other: FactorFile) throws -> FactorFile {
        if let shared = factorNames.first(where: other.factorNames.contains) {
            throw DataError(path: other.path, line: 0, message: "factor '\(shared)' is also in \(path): a factor can come from one file only")
        }
        let position = Dictionary(uniqueKeysWithValues: other.months.enumerated().map { ($1, $0) })
        let rows = months.indices.filter { position[months[$0]] != nil }
        guard !rows.isEmpty else {
            throw DataError(path: other.path, line: 0, message: "no common months with \(path) (\(months.first?.description ?? "?")…\(months.last?.description ?? "?"))")
        }
        let otherRows = rows.compactMap { position[months[$0]] }
        let mine = pickingRows(rows), theirs = other.pickingRows(otherRows)
        let names = factorNames + other.factorNames
        let values = Matrix(rows: rows.count, cols: names.count, columnMajor: mine.returns.storage + theirs.returns.storage,
                            rowLabels: mine.months.map(\.description), colLabels: names)
        let cells = mine.factorCells.flatMap { a in theirs.factorCells.map { a + $0 } }
        return FactorFile(path: "\(path) + \(other.path)", months: mine.months, factorNames: names, returns: values,
                          riskFree: mine.riskFree ?? theirs.riskFree, rowLines: nil, sources: [self.path, other.path],
                          factorCells: cells, riskFreeCells: mine.riskFree == nil ? theirs.riskFreeCells : mine.riskFreeCells)
    }

    /// The same factors restricted to the rows at `indices` (increasing).
    func pickingRows(_ indices: [Int]) -> FactorFile {
        FactorFile(path: path, months: indices.map { months[$0] }, factorNames: factorNames,
                   returns: returns.pickingRows(indices), riskFree: riskFree?.pickingRows(indices),
                   rowLines: rowLines.map { lines in indices.map { lines[$0] } }, sources: sources,
                   factorCells: factorCells?.map { $0.pickingRows(indices) }, riskFreeCells: riskFreeCells?.pickingRows(indices))
    }

    /// An error at the first missing value (NaN) of these factors, month by month (factors in order, then
    /// rf), or `nil` when every value is there. `context` ends the message (which months need them).
    /// Points at the value's cell in its file when the factors were read from one; the cell's text says
    /// what was written (blank, `NA`, Ken French's -99.99 or -999).
    func missingValueError(context: String) -> DataError? {
        for i in months.indices {
            let missing = (0..<returns.cols).first { returns[i, $0].isNaN }
            let missingRiskFree = riskFree.map { $0[i, 0].isNaN } ?? false
            guard missing != nil || missingRiskFree else { continue }
            let name = missing.map { "\(factorNames[$0]) return" } ?? "risk-free rate (rf)"
            let cells = missing.map { k in factorCells?[k] } ?? riskFreeCells
            return FactorFile.missingValueError(of: name, in: months[i], at: cells, row: i, path: path, context: context)
        }
        return nil
    }

    private static func missingValueError(of name: String, in month: Month, at cells: CellSource?, row: Int, path: String,
                                          context: String) -> DataError {
        let message = { (written: String) in "no \(name) for \(month)\(written): \(context)" }
        guard let cells else { return DataError(path: path, line: 0, message: message("")) }
        let line = cells.lines[row]
        // The file is read again for the cell (shown with a caret); without it the line number stays.
        guard let text = (try? CSVDocument(path: cells.path))?.lineText(line),
              let document = try? CSVDocument(path: cells.path, piece: Array(text.utf8), firstLine: line),
              let record = try? document.records().first, cells.field < record.fields.count else {
            return DataError(path: cells.path, line: line, message: message(""))
        }
        let field = record.fields[cells.field]
        let written = document.trimmedText(of: field)
        return document.error(at: field, message(written.isEmpty ? " (the cell is empty)" : " ('\(written)', a missing-value code)"))
    }
}
