/// Reads the value cells of data records into a column-major buffer, checking that every record has
/// the expected number of fields and every value cell is a number or a missing marker.
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
        case .text:
            let k = j - firstValueField
            let name = columnNames.flatMap { k < $0.count ? " in column '\($0[k])'" : nil } ?? ""
            throw document.error(at: field, "'\(document.trimmedText(of: field))'\(name) is not a number")
        }
    }

    /// The values of `records` as a column-major `records.count × valueColumns` buffer.
    func read(_ records: some Collection<CSVRecord>, transform: (Double) -> Double = { $0 }) throws -> [Double] {
        let n = records.count
        var storage = [Double](repeating: .nan, count: n * valueColumns)
        for (i, record) in records.enumerated() {
            try checkFieldCount(record)
            for j in firstValueField..<fieldCount {
                storage[i + (j - firstValueField) * n] = try value(record, field: j, transform: transform)
            }
        }
        return storage
    }
}
