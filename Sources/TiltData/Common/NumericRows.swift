/// Reads the value cells of data records into a column-major buffer, checking that every record has
/// the expected number of fields, every value cell is a number or a missing marker and, when the values
/// are returns, none is below −100%.
struct NumericRows {
    let document: CSVDocument
    /// Number of fields every record must have.
    let fieldCount: Int
    /// Index of the first value field (1 when the first field is a row label).
    let firstValueField: Int
    /// Where the expected field count comes from, for messages ("the header on line 4").
    let countSource: String
    /// Names of the value columns for messages, when known.
    let columnNames: [String]?

    var valueColumns: Int { fieldCount - firstValueField }

    /// Throws when `record` has the wrong number of fields: the error points at the first extra field,
    /// or at the end of the line when fields are missing.
    func checkFieldCount(_ record: CSVRecord) throws {
        let found = record.fields.count
        guard found != fieldCount else { return }
        let column: Int
        if found > fieldCount {
            column = record.fields[fieldCount].column
        } else {
            column = (document.lineText(record.line)?.unicodeScalars.count ?? 0) + 1
        }
        throw document.error(line: record.line, column: column,
                             message: "expected \(fieldCount) fields (as in \(countSource)), found \(found)")
    }

    /// The value of field `j` of `record` (missing → NaN), passed through `transform`.
    func value(_ record: CSVRecord, field j: Int, transform: (Double) -> Double) throws -> Double {
        let field = record.fields[j]
        switch try document.cell(field) {
        case .number(let x): return transform(x)
        case .missing: return .nan
        case .text: throw document.error(at: field, "\(cellText(record, field: j)) is not a number",
                                         hint: CSVDocument.numberHint(for: document.trimmedText(of: field)))
        }
    }

    /// Throws at field `j` of `record` when `value`, the return read from it (decimals), is below −100%
    /// (see `ReturnColumns`); NaN (missing) passes.
    func checkReturn(_ value: Double, _ record: CSVRecord, field j: Int, of returns: ReturnColumns) throws {
        guard value < -1 else { return }
        let name = columnName(j) ?? ""
        throw document.error(at: record.fields[j], "\(cellText(record, field: j)) \(returns.refusal(column: name))")
    }

    /// What a value must be beyond a number, checked where it is written.
    enum CellCheck {
        /// At least 0: a count, a size, a market cap (the words say what, for the message).
        case nonNegative(String)
        /// A factor return in decimals: within ±1 (±100% in a month, which no factor comes near), so that a
        /// file written in percent is caught at its first large value instead of read 100 times too large.
        case decimalFactorReturn
    }

    /// Throws at field `j` of `record` when `value` fails `check` (NaN, missing, passes).
    func check(_ value: Double, _ record: CSVRecord, field j: Int, _ check: CellCheck) throws {
        switch check {
        case .nonNegative(let what) where value < 0:
            throw document.error(at: record.fields[j], "\(cellText(record, field: j)) is negative: \(what) cannot be")
        case .decimalFactorReturn where abs(value) > 1:
            throw document.error(at: record.fields[j], "\(cellText(record, field: j)) would be a factor return of \(value < 0 ? "" : "+")\(value * 100)% in one month: the file looks like percent, but a tidy factor file holds decimals (0.0123 for 1.23%)",
                                 hint: "divide the returns by 100, or use Ken French's file as downloaded (its percent is converted)")
        default:
            return
        }
    }

    /// The values of `records` as a column-major `records.count × valueColumns` buffer; when they are
    /// `returns`, each (after `transform`, in decimals) must be at least −100%; each must pass `check`.
    /// Asset returns must not look like percent as a whole (`PercentCheck`): that error, about the whole
    /// file, comes before one about a return below −100% (what a loss in percent also is).
    func read(_ records: some Collection<CSVRecord>, returns: ReturnColumns? = nil, check cellCheck: CellCheck? = nil,
              transform: (Double) -> Double = { $0 }) throws -> [Double] {
        let n = records.count
        var storage = [Double](repeating: .nan, count: n * valueColumns)
        var percent = returns == .assets ? PercentCheck() : nil
        do {
            for (i, record) in records.enumerated() {
                try checkFieldCount(record)
                for j in firstValueField..<fieldCount {
                    let x = try value(record, field: j, transform: transform)
                    if let cellCheck { try check(x, record, field: j, cellCheck) }
                    if let returns {
                        if percent != nil {
                            percent?.add(x, at: record.fields[j], in: document, quote: cellText(record, field: j)) {
                                try checkReturn(x, record, field: j, of: returns)
                            }
                        } else {
                            try checkReturn(x, record, field: j, of: returns)
                        }
                    }
                    storage[i + (j - firstValueField) * n] = x
                }
            }
        } catch {
            throw percent?.stopped(by: error) ?? error
        }
        try percent?.finish()
        return storage
    }

    /// The name of field `j`'s column, when known.
    private func columnName(_ j: Int) -> String? {
        let k = j - firstValueField
        return columnNames.flatMap { k < $0.count ? $0[k] : nil }
    }

    /// A cell as messages quote it: `'x' in column 'name'`, or `'x'` when the column has no name.
    func cellText(_ record: CSVRecord, field j: Int) -> String {
        "'\(document.trimmedText(of: record.fields[j]))'" + (columnName(j).map { " in column '\($0)'" } ?? "")
    }
}
