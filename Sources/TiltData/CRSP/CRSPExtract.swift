import Foundation
import TiltLinearAlgebra

/// Reads a CRSP stock file extract as WRDS writes it (CSV, monthly or daily) into a monthly
/// `AssetPanel`, streaming the file (`CSVFileReader`): memory follows the number of stock-months, not the
/// file's size.
///
/// Layout: a header naming at least `PERMNO, date, RET, PRC, SHROUT, SICCD`, in any order and any case;
/// when present `SHRCD, EXCHCD, DLRET, DLSTCD, DLSTDT` are read too, and other columns (`VOL`, `TICKER`, …)
/// are ignored. The CIZ names of WRDS's 2024 format are read as their legacy equivalents (`MthCalDt` or
/// `DlyCalDt` as `date`, `MthRet`/`DlyRet` as `RET`, `MthPrc`/`DlyPrc` as `PRC`); a CIZ return already
/// includes the delisting return. Dates are `YYYYMMDD`, `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMM` or
/// `YYYY-MM`; rows may come in any order.
///
/// Cells: RET and DLRET missing codes are a blank cell, `NA`, any single letter (CRSP's B, C, … for RET;
/// A, P, S, T for DLRET) and the numeric codes -66, -77, -88, -99 (and -55 for DLRET); any other return
/// below −100% is an error at its cell. A negative PRC is CRSP's bid/ask average, read as |PRC|. A single
/// letter in SICCD (CRSP's `Z`) is an unknown code. DLSTCD 100 ("active") is no delisting. A lone `.` (SAS's
/// and Stata's missing value, as WRDS's SAS exports write it) is a blank cell in every column.
///
/// What becomes of the rows — daily or monthly, compounding, caps, SIC code and screen as of each month,
/// delistings — is `CRSPPanelBuilder`'s (Docs/conventions.md, Docs/data.md).
public enum CRSPExtract {
    /// The numeric missing-return codes of CRSP.
    public static let missingReturnCodes: [Double] = [-66, -77, -88, -99]
    /// The numeric missing codes of DLRET.
    public static let missingDelistingReturnCodes: [Double] = [-55, -66, -88, -99]

    /// Reads the extract at `path`; `progress` gets the bytes read so far and the file's size.
    public static func load(path: String, options: CRSPOptions = CRSPOptions(),
                            progress: ((Int, Int) -> Void)? = nil) throws -> AssetPanel {
        let reader = CSVFileReader(path: path)
        let location = CSVRowLocation(reader: reader)
        var builder: CRSPPanelBuilder?
        var headerLine = 0
        try reader.forEachPiece(progress: progress) { piece in
            location.piece = piece
            try piece.forEachRecord { record in
                guard !record.isBlank else { return }
                guard let layout = location.layout else {
                    let layout = try CRSPLayout(header: record, document: piece)
                    location.layout = layout
                    headerLine = record.line
                    builder = CRSPPanelBuilder(options: options, hasShareCodes: layout.column["shrcd"] != nil,
                                               hasExchangeCodes: layout.column["exchcd"] != nil)
                    return
                }
                try builder?.add(layout.row(record, document: piece), location: location)
            }
        }
        guard var builder = builder.take() else {
            throw DataError(path: path, line: 1, message: "the file is empty")
        }
        guard builder.dataRows > 0 || location.layout == nil else {
            throw DataError(path: path, line: headerLine, message: "the file has a header but no data rows",
                            lineText: reader.lineText(headerLine))
        }
        return try builder.panel(location: location)
    }

    /// Whether the file at `path` starts with a header naming the CRSP columns this reader needs (for
    /// finding the extract in a folder); reads only the file's first kilobytes.
    public static func hasCRSPHeader(path: String) -> Bool {
        guard let names = CSVFileReader(path: path).firstRecordTexts() else { return false }
        let found = Set(names.map { CRSPLayout.canonical($0) })
        return CRSPLayout.required.allSatisfy(found.contains)
    }
}

/// Where the columns are, found from the header, and how a record becomes a `CRSPRow`.
struct CRSPLayout {
    static let required = ["permno", "date", "ret", "prc", "shrout", "siccd"]
    static let optional = ["shrcd", "exchcd", "dlret", "dlstcd", "dlstdt"]
    /// CIZ (2024) names read as the legacy ones.
    static let aliases = ["mthcaldt": "date", "dlycaldt": "date", "mthret": "ret", "dlyret": "ret",
                          "mthprc": "prc", "dlyprc": "prc"]

    /// The canonical (lower-case, legacy) name of a header cell.
    static func canonical(_ name: String) -> String {
        let lower = name.lowercased()
        return aliases[lower] ?? lower
    }

    /// Field index of each column read, by canonical name.
    let column: [String: Int]
    /// The same indices as fields (read once per row, without hashing a name).
    let at: Columns

    struct Columns {
        let permno, date, ret, prc, shrout, siccd: Int
        let shrcd, exchcd, dlret, dlstcd, dlstdt: Int?
    }
    let names: [String]
    /// For messages about a row's cells: the header's line and the lower-case column names.
    let headerLine: Int
    let columnNames: [String]

    init(header: CSVRecord, document: CSVDocument) throws {
        names = header.fields.map { document.trimmedText(of: $0) }
        var index: [String: Int] = [:]
        for (j, name) in names.enumerated() {
            let key = CRSPLayout.canonical(name)
            guard CRSPLayout.required.contains(key) || CRSPLayout.optional.contains(key) else { continue }
            if let earlier = index[key] {
                throw document.error(at: header.fields[j], "column '\(key)' appears twice in the header (also column \(earlier + 1), '\(names[earlier])')")
            }
            index[key] = j
        }
        let missing = CRSPLayout.required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            let lead = missing.count == CRSPLayout.required.count
                ? "a header naming the columns \(CRSPLayout.required.joined(separator: ",")) is required"
                : "the header lacks the column(s) \(missing.joined(separator: ", "))"
            throw document.error(line: header.line, column: nil, message: lead,
                                 hint: document.separatorHint([header])
                                     ?? "a CRSP extract has PERMNO, date, RET, PRC, SHROUT, SICCD (any case), as WRDS writes them; see Docs/data.md")
        }
        column = index
        at = Columns(permno: index["permno"] ?? 0, date: index["date"] ?? 0, ret: index["ret"] ?? 0, prc: index["prc"] ?? 0,
                     shrout: index["shrout"] ?? 0, siccd: index["siccd"] ?? 0, shrcd: index["shrcd"], exchcd: index["exchcd"],
                     dlret: index["dlret"], dlstcd: index["dlstcd"], dlstdt: index["dlstdt"])
        headerLine = header.line
        columnNames = names.map { $0.lowercased() }
    }

    func row(_ record: CSVRecord, document: CSVDocument) throws -> CRSPRow {
        let reader = NumericRows(document: document, fieldCount: names.count, firstValueField: 0,
                                 countSource: "the header on line \(headerLine)", columnNames: columnNames)
        try reader.checkFieldCount(record)
        let f = record.fields
        guard let permno = try integer(f[at.permno], "permno", document: document, letters: false) else {
            throw document.error(at: f[at.permno], "the permno is missing")
        }
        guard let (month, day) = CRSPLayout.date(f[at.date], document: document) else {
            throw CRSPLayout.notADate(f[at.date], document: document)
        }
        let ret = try returnValue(f[at.ret], document: document, codes: CRSPExtract.missingReturnCodes, what: "return")
        try reader.checkReturn(ret, record, field: at.ret, of: .assets)
        var delisting: CRSPDelisting?
        let code = try at.dlstcd.flatMap { try integer(f[$0], "dlstcd", document: document, letters: false) }
        var dlret = Double.nan
        if let j = at.dlret {
            dlret = try returnValue(f[j], document: document, codes: CRSPExtract.missingDelistingReturnCodes, what: "delisting return")
            try reader.checkReturn(dlret, record, field: j, of: .assets)
        }
        if code != CRSPDelisting.activeCode, code != nil || !dlret.isNaN {
            var (dMonth, dDay, hasDate) = (month, day, false)
            if let j = at.dlstdt, !CRSPLayout.isBlank(f[j], document: document) {
                guard let (m, d) = CRSPLayout.date(f[j], document: document) else {
                    throw CRSPLayout.notADate(f[j], document: document)
                }
                (dMonth, dDay, hasDate) = (m, d, true)
            }
            delisting = CRSPDelisting(month: dMonth, day: dDay, code: code, ret: dlret, hasDate: hasDate)
        }
        return CRSPRow(permno: permno, month: month, day: day, ret: ret,
                       prc: try reader.value(record, field: at.prc) { $0 },
                       shrout: try reader.value(record, field: at.shrout) { $0 },
                       siccd: try integer(f[at.siccd], "siccd", document: document, letters: true),
                       commonShare: try at.shrcd.map { try integer(f[$0], "shrcd", document: document, letters: true).map(CRSPOptions.commonShareCodes.contains) ?? false },
                       mainExchange: try at.exchcd.map { try integer(f[$0], "exchcd", document: document, letters: true).map(CRSPOptions.mainExchangeCodes.contains) ?? false },
                       isDataRow: !CRSPLayout.isBlank(f[at.ret], document: document) || !CRSPLayout.isBlank(f[at.prc], document: document),
                       delisting: delisting, line: record.line)
    }

    /// A whole-number cell, `nil` when blank (or, with `letters`, a single letter: CRSP's unknown code).
    private func integer(_ field: CSVField, _ name: String, document: CSVDocument, letters: Bool) throws -> Int? {
        switch try document.cell(field) {
        case .missing: return nil
        case .number(let x) where Int(whole: x, in: -999_999_999_999_999...999_999_999_999_999) != nil: return Int(whole: x)
        case .text where letters && CRSPLayout.isLetterCode(document.trimmedText(of: field)): return nil
        default:
            throw document.error(at: field, "'\(document.trimmedText(of: field))' is not a whole number (\(name))",
                                 hint: CSVDocument.numberHint(for: document.trimmedText(of: field)))
        }
    }

    /// A return cell in decimals, NaN for a missing code.
    private func returnValue(_ field: CSVField, document: CSVDocument, codes: [Double], what: String) throws -> Double {
        switch try document.cell(field) {
        case .number(let x): return codes.contains(x) ? .nan : x
        case .missing: return .nan
        case .text:
            let text = document.trimmedText(of: field)
            guard CRSPLayout.isLetterCode(text) else {
                let codeList = codes.map { Int(whole: $0).map(String.init) ?? "\($0)" }.joined(separator: ", ")
                throw document.error(at: field, "'\(text)' is not a \(what) (a number, or a CRSP missing code: a letter such as B or C, or \(codeList))",
                                     hint: CSVDocument.numberHint(for: text))
            }
            return .nan
        }
    }

    /// Whether a cell is blank or SAS's or Stata's missing value (`.`, `.B`, as WRDS's SAS exports write it):
    /// either way it holds nothing, so a row whose RET and PRC are both blank or `.` is an event row (`NA` is
    /// missing but not blank).
    static func isBlank(_ field: CSVField, document: CSVDocument) -> Bool {
        document.isEmpty(field) || document.holdsSASMissingValue(field)
    }

    /// The error for a date cell that is none of the layouts `date(_:document:)` reads.
    static func notADate(_ field: CSVField, document: CSVDocument) -> DataError {
        document.error(at: field, "'\(document.trimmedText(of: field))' is not a date (a CRSP date is \(Month.calendarDateFormats), with a month 01–12 and a day the month has)")
    }

    static func isLetterCode(_ text: String) -> Bool {
        text.unicodeScalars.count == 1 && text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) }
    }

    /// (month, day) of a date cell, day 0 for `YYYYMM` and `YYYY-MM`.
    static func date(_ field: CSVField, document: CSVDocument) -> (Month, Int)? {
        document.withBytes(of: field) { Month.dateFields(bytes: $0, compactDays: true, slashes: true) }
            .map { (Month($0.year, $0.month), $0.day) }
    }
}

/// Locates rows of a CSV extract for messages: the current piece answers for its own lines; earlier lines
/// are read again from the file (only when a message needs them).
final class CSVRowLocation: CRSPRowLocation {
    let reader: CSVFileReader
    var piece: CSVDocument?
    var layout: CRSPLayout?

    init(reader: CSVFileReader) { self.reader = reader }

    var path: String { reader.path }

    private func lineText(_ line: Int) -> String? { piece?.lineText(line) ?? reader.lineText(line) }

    /// The fields of the line `line` as a one-line document (a line that holds a whole record).
    private func fields(line: Int) -> (CSVDocument, CSVRecord)? {
        guard let text = lineText(line), let document = try? CSVDocument(path: path, piece: Array(text.utf8), firstLine: line),
              let record = try? document.records().first else { return nil }
        return (document, record)
    }

    func error(line: Int, column: String?, _ message: String) -> DataError {
        guard line > 0 else { return DataError(path: path, line: 0, message: message) }
        let field = column.flatMap { layout?.column[$0] }.flatMap { j in fields(line: line).flatMap { j < $0.1.fields.count ? $0.1.fields[j] : nil } }
        return DataError(path: path, line: line, column: field?.column, message: message, lineText: lineText(line))
    }

    func cellText(line: Int, column: String) -> String? {
        guard let j = layout?.column[column], let (document, record) = fields(line: line), j < record.fields.count else { return nil }
        return document.trimmedText(of: record.fields[j])
    }

    func firstLine(permno: Int, month: Month, day: Int) -> Int? {
        guard let layout, let permnoColumn = layout.column["permno"], let dateColumn = layout.column["date"] else { return nil }
        var found: Int?
        var seenHeader = false
        try? reader.forEachPiece { piece in
            guard found == nil else { return }
            try piece.forEachRecord { record in
                guard found == nil, !record.isBlank else { return }
                guard seenHeader else { seenHeader = true; return }
                guard record.fields.count > max(permnoColumn, dateColumn),
                      case .number(let p) = try piece.cell(record.fields[permnoColumn]), p == Double(permno),
                      let (m, d) = CRSPLayout.date(record.fields[dateColumn], document: piece), m == month, d == day else { return }
                found = record.line
            }
        }
        return found
    }
}
