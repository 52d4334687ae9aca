import TiltLinearAlgebra

/// Reads a CRSP stock file extract (e.g. from WRDS) into a monthly `AssetPanel`.
///
/// Layout: a header naming the columns `permno,date,ret,prc,shrout,siccd` in any order and any case;
/// other columns (such as `vol`) are ignored. Dates are `YYYYMMDD`, `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMM`
/// or `YYYY-MM`; rows may come in any order (they are sorted by date within each permno) but a permno
/// may not have the same date twice.
///
/// - Rows are daily or monthly, decided for the whole extract: it is daily when some stock has three or
///   more rows in one calendar month, and then a month's return is Π(1 + r) − 1 over that stock's rows in
///   the calendar month. Otherwise it is monthly: each row gives its own month's return, and a stock's
///   second row in a month is an error at the row (see Docs/conventions.md).
/// - Missing returns: CRSP letter codes `B` and `C`, a blank cell, `NA`, and the numeric codes -66, -77,
///   -88, -99. Any other return below -1 (a loss of more than everything) is an error at its cell. One missing daily return makes the whole month's return missing (NaN): nothing is
///   filled in. Months with no row for a stock (before listing, after delisting, gaps) are NaN too, so
///   a stock whose return at T+1 is missing is not eligible at the rebalance at T
///   (`AssetPanel.eligibleAssets(atRebalance:)`). A delisting month with daily rows compounds the days
///   traded; CRSP delisting returns are not read.
/// - Market cap: |prc| × shrout on the stock's last row of the month ($ thousands; a negative price is
///   CRSP's bid/ask midpoint, hence the absolute value); NaN when the price is missing or zero.
/// - Sector: the SIC division (`SICDivision`) of the stock's latest row that has a `siccd`.
///
/// The panel's months run from the earliest to the latest month in the file without gaps; assets
/// are ordered by permno.
public enum CRSPExtract {
    /// The numeric missing-return codes of CRSP.
    public static let missingReturnCodes: Set<Double> = [-66, -77, -88, -99]
    /// The letter missing-return codes of CRSP.
    public static let missingReturnLetters: Set<String> = ["B", "C"]

    /// Reads the extract at `path`.
    public static func load(path: String) throws -> AssetPanel {
        try load(document: CSVDocument(path: path))
    }

    /// Reads an extract already in memory.
    public static func load(document: CSVDocument) throws -> AssetPanel {
        var layout: CRSPLayout? = nil
        var rowsByPermno: [Int: [CRSPRow]] = [:]
        var headerLine = 1
        try document.forEachRecord { record in
            guard !record.isBlank else { return }
            guard let columns = layout else {
                layout = try CRSPLayout(header: record, document: document)
                headerLine = record.line
                return
            }
            let (permno, row) = try columns.row(record, document: document)
            rowsByPermno[permno, default: []].append(row)
        }
        guard layout != nil else {
            throw document.error(line: 1, column: nil, message: "the file is empty")
        }
        guard !rowsByPermno.isEmpty else {
            throw document.error(line: headerLine, column: nil, message: "the file has a header but no data rows")
        }
        // Each stock's rows by date, then by line (of two rows with one date, the one written first comes
        // first); sorted in place, as a daily extract's rows take much memory.
        let permnos = rowsByPermno.keys.sorted()
        for permno in permnos { rowsByPermno[permno]?.sort { ($0.sortKey, $0.line) < ($1.sortKey, $1.line) } }
        return try panel(rowsByPermno, permnos: permnos, document: document)
    }

    /// Compounds each stock's rows (sorted by date, then line) into calendar months and assembles the
    /// panel; `permnos` are the stocks in increasing order.
    private static func panel(_ rowsByPermno: [Int: [CRSPRow]], permnos: [Int], document: CSVDocument) throws -> AssetPanel {
        let daily = isDaily(rowsByPermno.values)
        let allRows = rowsByPermno.values.joined()
        let first = allRows.map(\.month).min() ?? Month(ordinal: 0)
        let last = allRows.map(\.month).max() ?? first
        let monthCount = last - first + 1
        var returns = [Double](repeating: .nan, count: monthCount * permnos.count)
        var caps = returns
        var sectors: [String] = []
        for (j, permno) in permnos.enumerated() {
            let rows = rowsByPermno[permno] ?? []
            var latestSIC: Int? = nil
            var compounded = 0.0   // (1 + R)(1 + r) − 1 = R + r + R·r: exact for one row, no cancellation
            for (k, row) in rows.enumerated() {
                if k > 0, rows[k - 1].month == row.month {
                    try checkSameMonth(row, after: rows[k - 1], permno: permno, daily: daily, document: document)
                }
                compounded += row.ret + compounded * row.ret
                latestSIC = row.siccd ?? latestSIC
                let endOfMonth = k + 1 == rows.count || rows[k + 1].month != row.month
                if endOfMonth {
                    let t = row.month - first + j * monthCount
                    returns[t] = compounded
                    caps[t] = row.prc == 0 ? .nan : abs(row.prc) * row.shrout
                    compounded = 0
                }
            }
            sectors.append(SICDivision(sicCode: latestSIC).name)
        }
        let months = (0..<monthCount).map { first + $0 }
        return try AssetPanel(path: document.path, months: months, assetIDs: permnos.map(String.init),
                              returns: Matrix(rows: monthCount, cols: permnos.count, columnMajor: returns),
                              marketCaps: Matrix(rows: monthCount, cols: permnos.count, columnMajor: caps),
                              sectors: sectors)
    }

    /// Whether the extract is daily: some stock has three or more rows in one calendar month (a stock
    /// listed throughout a month has about 21 daily rows). Otherwise it is monthly, one row per stock and
    /// month. `rowsOfStock` holds each stock's rows sorted by date.
    private static func isDaily(_ rowsOfStock: some Collection<[CRSPRow]>) -> Bool {
        rowsOfStock.contains { rows in rows.indices.dropFirst(2).contains { rows[$0].month == rows[$0 - 2].month } }
    }

    /// Checks `row` of `permno` against `earlier`, the row sorted just before it in the same month: one
    /// date twice is an error, and so are two rows in a month of a monthly extract, where one of them is
    /// almost certainly misdated (compounded, they would make a wrong return). The error is at the row
    /// written further down the file.
    private static func checkSameMonth(_ row: CRSPRow, after earlier: CRSPRow, permno: Int, daily: Bool,
                                       document: CSVDocument) throws {
        if earlier.sortKey == row.sortKey {   // sorted by line too: `earlier` came first
            throw document.error(line: row.line, column: row.dateColumn,
                                 message: "permno \(permno) has the date \(row.dateText) twice (also on line \(earlier.line))")
        }
        guard !daily else { return }
        let (first, second) = earlier.line < row.line ? (earlier, row) : (row, earlier)
        throw document.error(line: second.line, column: second.dateColumn,
                             message: "permno \(permno) has a second row in \(row.month) (also \(first.dateText) on line \(first.line)): the extract is monthly, one row per stock and month (no stock has three or more rows in a month, as daily data would)")
    }
}

/// One data row of an extract, as needed for the panel.
private struct CRSPRow {
    let month: Month
    /// Orders rows within a stock: month, then day (0 for month-only dates).
    let sortKey: Int
    let dateText: String
    let line: Int
    /// Column of the date cell, where a repeated date is reported.
    let dateColumn: Int
    /// Return in decimals, NaN when missing.
    let ret: Double
    /// Price in $ (negative = bid/ask midpoint), NaN when missing.
    let prc: Double
    /// Shares outstanding in thousands, NaN when missing.
    let shrout: Double
    let siccd: Int?
}

/// Where the needed columns are, found from the header.
private struct CRSPLayout {
    static let required = ["permno", "date", "ret", "prc", "shrout", "siccd"]
    let permno, date, ret, prc, shrout, siccd: Int
    let rows: NumericRows

    init(header: CSVRecord, document: CSVDocument) throws {
        let names = header.fields.map { document.trimmedText(of: $0).lowercased() }
        var index: [String: Int] = [:]
        for (j, name) in names.enumerated() where CRSPLayout.required.contains(name) {
            if index[name] != nil {
                throw document.error(at: header.fields[j], "column '\(name)' appears twice in the header")
            }
            index[name] = j
        }
        let missing = CRSPLayout.required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            let lead = missing.count == CRSPLayout.required.count
                ? "a header naming the columns \(CRSPLayout.required.joined(separator: ",")) is required"
                : "the header lacks the column(s) \(missing.joined(separator: ", "))"
            throw document.error(line: header.line, column: nil, message: lead)
        }
        (permno, date, ret, prc, shrout, siccd) = (index["permno"] ?? 0, index["date"] ?? 0, index["ret"] ?? 0,
                                                   index["prc"] ?? 0, index["shrout"] ?? 0, index["siccd"] ?? 0)
        rows = NumericRows(document: document, fieldCount: names.count, firstValueField: 0,
                           countSource: "the header on line \(header.line)", columnNames: names)
    }

    func row(_ record: CSVRecord, document: CSVDocument) throws -> (permno: Int, row: CRSPRow) {
        try rows.checkFieldCount(record)
        func integer(_ j: Int) throws -> Int? {
            let field = record.fields[j]
            switch try document.cell(field) {
            case .missing: return nil
            case .number(let x) where Int(whole: x, in: -999_999_999_999_999...999_999_999_999_999) != nil: return Int(whole: x)
            default: throw document.error(at: field, "'\(document.trimmedText(of: field))' is not a whole number (\(CRSPLayout.columnName(j, rows)))")
            }
        }
        guard let permnoValue = try integer(permno) else {
            throw document.error(at: record.fields[permno], "the permno is missing")
        }
        let dateText = document.trimmedText(of: record.fields[date])
        guard let (month, day) = CRSPLayout.calendarDate(dateText) else {
            throw document.error(at: record.fields[date], "'\(dateText)' is not a date (expected YYYYMMDD or YYYY-MM-DD)")
        }
        let retField = record.fields[ret]
        let returnValue: Double
        switch try document.cell(retField) {
        case .number(let x): returnValue = CRSPExtract.missingReturnCodes.contains(x) ? .nan : x
        case .missing: returnValue = .nan
        case .text:
            let code = document.trimmedText(of: retField).uppercased()
            guard CRSPExtract.missingReturnLetters.contains(code) else {
                throw document.error(at: retField, "'\(document.trimmedText(of: retField))' is not a return (a number or a CRSP missing code B, C, -66, -77, -88, -99)")
            }
            returnValue = .nan
        }
        try rows.checkReturn(returnValue, record, field: ret, of: .assets)
        return (permnoValue, CRSPRow(month: month, sortKey: month.ordinal * 32 + day, dateText: dateText,
                                     line: record.line, dateColumn: record.fields[date].column, ret: returnValue,
                                     prc: try rows.value(record, field: prc) { $0 },
                                     shrout: try rows.value(record, field: shrout) { $0 },
                                     siccd: try integer(siccd)))
    }

    private static func columnName(_ j: Int, _ rows: NumericRows) -> String {
        rows.columnNames.map { j < $0.count ? $0[j] : "" } ?? ""
    }

    /// (month, day) of `YYYYMMDD`, `YYYY-MM-DD`, `YYYY/MM/DD`; day 0 for `YYYYMM` and `YYYY-MM`.
    static func calendarDate(_ text: String) -> (Month, Int)? {
        Month.dateFields(Substring(text), compactDays: true, slashes: true).map { (Month($0.year, $0.month), $0.day) }
    }
}
