import TiltLinearAlgebra

/// Reads a numeric CSV file into a labelled matrix: what the language's `read("x.csv")` returns.
///
/// - Header (optional): the first row is a header, giving the column labels, when one of its value
///   cells is not a number; also when the row-label column holds months and the first cell is not a
///   month (`month,10001,10002`), or when its first cell is empty (`,Agric,Food`).
/// - Row labels (optional): the first column is a label column when every one of its data cells is
///   text (names, `1994-01`, dates) or a `YYYYMM` month (`199401`), or when the header's first cell
///   is empty. When every label is a month, labels are written `YYYY-MM`.
/// - Values: every other cell must be a number; an empty cell, `NA`, `N/A` or `NaN` becomes NaN.
///   Values are taken as written (no percent conversion).
/// - Blank lines are skipped. A single value column gives an n×1 vector.
///
/// Throws `DataError` at the offending line and column for text in a value cell, a number beyond a
/// double's range (`1e400`), a row with a different number of fields than the first row (naming
/// expected and found counts), an empty header name (only the cell above the row labels may be empty),
/// a header name or row label that appears twice (months compared as months), an empty file, or a
/// header without data rows.
public func readNumericCSV(path: String) throws -> Matrix {
    try readNumericCSV(CSVDocument(path: path))
}

/// `readNumericCSV(path:)` on a document already in memory.
public func readNumericCSV(_ document: CSVDocument) throws -> Matrix {
    let records = try document.records().filter { !$0.isBlank }
    guard let first = records.first else {
        throw document.error(line: 1, column: nil, message: "the file is empty")
    }
    let fieldCount = first.fields.count
    let layout = try NumericCSVLayout(document: document, records: records)
    if layout.hasHeader, records.count == 1 {
        throw document.error(line: first.line, column: nil, message: "the file has a header but no data rows")
    }
    let dataRecords = records.dropFirst(layout.hasHeader ? 1 : 0)
    let valueStart = layout.hasRowLabels ? 1 : 0
    let names = layout.hasHeader ? try document.headerNames(first.fields[valueStart...]) : nil
    let reader = NumericRows(document: document, fieldCount: fieldCount, firstValueField: valueStart,
                             countSource: layout.hasHeader ? "the header on line \(first.line)"
                                                           : "the first row on line \(first.line)",
                             columnNames: names)
    let storage = try reader.read(dataRecords)
    var rowLabels: [String]? = nil
    if layout.hasRowLabels {
        let labels = dataRecords.map { document.trimmedText(of: $0.fields[0]) }
        let months = labels.compactMap { Month(parsing: $0) }
        let written = months.count == labels.count ? months.map(\.description) : labels
        try document.checkDistinct(labels: written, of: dataRecords.map { $0.fields[0] }, what: "row label")
        rowLabels = written
    }
    return Matrix(rows: dataRecords.count, cols: reader.valueColumns, columnMajor: storage,
                  rowLabels: rowLabels, colLabels: names)
}

/// Decides whether a numeric CSV has a header row and a row-label column (see `readNumericCSV`).
private struct NumericCSVLayout {
    let hasHeader: Bool
    let hasRowLabels: Bool

    init(document: CSVDocument, records: [CSVRecord]) throws {
        let first = records[0]
        let fieldCount = first.fields.count
        let candidates = records.count > 1 ? records.dropFirst() : records[...]
        let firstCells = candidates.compactMap { $0.fields.first }
        let isYYYYMM: (CSVField) -> Bool = { field in
            let text = document.trimmedText(of: field)
            return text.count == 6 && text.allSatisfy(\.isASCII) && Month(parsing: text) != nil
        }
        let labelsFromData = try fieldCount >= 2 && firstCells.allSatisfy { try document.cell($0) == .text || isYYYYMM($0) }
        let monthLabels = labelsFromData && firstCells.allSatisfy { Month(parsing: document.trimmedText(of: $0)) != nil }
        let firstCellText = document.trimmedText(of: first.fields[0])
        let valueStart = labelsFromData ? 1 : 0
        let textInValues = try first.fields[valueStart...].contains { try document.cell($0) == .text }
        let header = textInValues
            || (labelsFromData && (firstCellText.isEmpty || (monthLabels && Month(parsing: firstCellText) == nil)))
        hasHeader = header
        hasRowLabels = labelsFromData || (header && fieldCount >= 2 && firstCellText.isEmpty)
    }
}
