import TiltLinearAlgebra

/// A file from Kenneth French's data library exactly as downloaded: free-text lines (description,
/// copyright), then one or more sections, each a title line, a header line starting with a comma and
/// rows `YYYYMM,...` (monthly) or `YYYY,...` (annual), sections separated by blank lines (or lines of
/// bare commas).
///
/// Missing codes -99.99 and -999 become NaN. Return sections are converted from percent to decimals;
/// firm counts, average firm size ($ millions) and BE/ME ratios are kept as written (see
/// `KenFrenchSection.Quantity`); a return below −100% is an error at its cell (`ReturnColumns`). Dates
/// within a section must strictly increase, and its header must name every column after the empty first
/// cell, each once.
public struct KenFrenchFile: Sendable {
    /// The path the file was read from.
    public let path: String
    /// The sections in file order.
    public let sections: [KenFrenchSection]

    /// The missing-value codes of the data library (in percent, as written).
    public static let missingCodes: Set<Double> = [-99.99, -999]

    /// Reads and splits the file at `path`, whose return sections hold `returns`.
    public static func load(path: String, returns: ReturnColumns = .assets) throws -> KenFrenchFile {
        try KenFrenchFile(document: CSVDocument(path: path), returns: returns)
    }

    /// Splits a document already in memory, whose return sections hold `returns`.
    public init(document: CSVDocument, returns: ReturnColumns = .assets) throws {
        let records = try document.records()
        guard records.contains(where: { !$0.isBlank }) else {
            throw document.error(line: 1, column: nil, message: "the file is empty")
        }
        let parser = KenFrenchParser(document: document, returns: returns)
        var sections: [KenFrenchSection] = []
        var i = 0
        while i < records.count {
            let record = records[i]
            if parser.isHeader(record) {
                let title = i > 0 ? parser.title(from: records[i - 1]) : ""
                var end = i + 1
                while end < records.count, parser.periodText(records[end]) != nil { end += 1 }
                if end < records.count, !parser.isEmpty(records[end]), !parser.isHeader(records[end]) {
                    throw document.error(at: records[end].fields[0],
                                         "expected a data row (YYYYMM or YYYY) or a blank line after the rows of the section on line \(record.line)")
                }
                sections.append(try parser.section(title: title, header: record, rows: records[(i + 1)..<end]))
                i = end
            } else {
                if parser.periodText(record) != nil, record.fields.count >= 2 {
                    throw document.error(at: record.fields[0], "data row outside any section (no header line above it)")
                }
                i += 1
            }
        }
        guard !sections.isEmpty else {
            throw document.error(line: 1, column: nil,
                                 message: "no sections found (expected a header line starting with a comma)",
                                 hint: document.separatorHint(records))
        }
        self.path = document.path
        self.sections = sections
    }

    /// The sections whose title contains `fragment` (ignoring case) and, when given, of `kind`.
    public func sections(titled fragment: String, kind: KenFrenchSection.Kind? = nil) -> [KenFrenchSection] {
        sections.filter { section in
            section.title.lowercased().contains(fragment.lowercased()) && (kind == nil || section.kind == kind)
        }
    }
}

/// The line-level rules of the Ken French layout.
private struct KenFrenchParser {
    let document: CSVDocument
    /// What the return sections' columns are.
    let returns: ReturnColumns

    /// A line with no text at all (blank, or only commas and spaces).
    func isEmpty(_ record: CSVRecord) -> Bool {
        record.fields.allSatisfy { document.trimmedText(of: $0).isEmpty }
    }

    /// A header line: empty first field, some column names after it.
    func isHeader(_ record: CSVRecord) -> Bool {
        record.fields.count >= 2 && document.trimmedText(of: record.fields[0]).isEmpty && !isEmpty(record)
    }

    /// The period label of a data row (4 or 6 digits in the first field), or `nil`.
    func periodText(_ record: CSVRecord) -> String? {
        let text = document.trimmedText(of: record.fields[0])
        guard text.count == 4 || text.count == 6,
              text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return text
    }

    /// The title carried by the line above a header, or "" when that line is empty or not a title.
    func title(from record: CSVRecord) -> String {
        guard !isEmpty(record), !isHeader(record), periodText(record) == nil else { return "" }
        return record.fields.map(document.trimmedText).filter { !$0.isEmpty }.joined(separator: ", ")
    }

    func section(title: String, header: CSVRecord, rows: ArraySlice<CSVRecord>) throws -> KenFrenchSection {
        guard let firstRow = rows.first, let firstLabel = periodText(firstRow) else {
            throw document.error(line: header.line, column: nil, message: "the section has a header but no data rows")
        }
        let kind: KenFrenchSection.Kind = firstLabel.count == 6 ? .monthly : .annual
        var periods = IncreasingPeriods(document: document)
        var labels: [String] = []
        labels.reserveCapacity(rows.count)
        for row in rows {
            let field = row.fields[0]
            let text = document.trimmedText(of: field)
            switch kind {
            case .monthly:
                guard text.count == 6, let month = Month(parsing: text) else {
                    throw document.error(at: field, "'\(text)' is not a month (expected YYYYMM in a monthly section)")
                }
                try periods.append(ordinal: month.ordinal, label: month.description, at: field)
                labels.append(month.description)
            case .annual:
                guard text.count == 4, let year = Int(text) else {
                    throw document.error(at: field, "'\(text)' is not a year (expected YYYY in an annual section)")
                }
                try periods.append(ordinal: year, label: text, at: field)
                labels.append(text)
            }
        }
        let columns = try document.headerNames(header.fields.dropFirst())
        let quantity = KenFrenchSection.Quantity(title: title)
        let reader = NumericRows(document: document, fieldCount: header.fields.count, firstValueField: 1,
                                 countSource: "the header on line \(header.line)", columnNames: columns)
        let divisor = quantity.isPercent ? 100.0 : 1
        let check: NumericRows.CellCheck? = switch quantity {
        case .numberOfFirms: .nonNegative("a number of firms")
        case .averageFirmSize: .nonNegative("an average firm size")
        default: nil
        }
        let storage = try reader.read(rows, returns: quantity.isPercent ? returns : nil, check: check) { x in
            KenFrenchFile.missingCodes.contains(x) ? .nan : x / divisor
        }
        let values = Matrix(rows: rows.count, cols: columns.count, columnMajor: storage,
                            rowLabels: labels, colLabels: columns)
        return KenFrenchSection(title: title, columns: columns, kind: kind, quantity: quantity,
                                months: kind == .monthly ? periods.ordinals.map(Month.init(ordinal:)) : [],
                                years: kind == .annual ? periods.ordinals : [],
                                values: values, headerLine: header.line, rowLines: rows.map(\.line))
    }
}
