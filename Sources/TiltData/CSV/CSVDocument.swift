import Foundation

/// One field of a CSV record: where its text lies in the file and where it starts.
public struct CSVField: Sendable, Equatable {
    /// Byte range of the field's content in `CSVDocument.bytes` (inside the quotes when quoted).
    let start: Int
    let end: Int
    /// 1-based line of the field's first character (the opening quote when quoted).
    public let line: Int
    /// 1-based column (Unicode scalars) of the field's first character.
    public let column: Int
    /// `true` when the field was written between double quotes.
    public let isQuoted: Bool
    /// `true` when the quoted content contains doubled quotes (`""`) that stand for one quote.
    let hasEscapedQuotes: Bool
}

/// One CSV record (usually one line; more when a quoted field holds line breaks).
public struct CSVRecord: Sendable {
    /// 1-based line the record starts on.
    public var line: Int
    /// The fields, left to right (at least one: an empty line is one empty field).
    public var fields: [CSVField]
    /// `true` for a line holding nothing but spaces or tabs.
    public var isBlank: Bool
}

/// A CSV file held in memory, read as RFC 4180: fields separated by commas, records by CRLF, LF or CR,
/// double-quoted fields may hold commas, line breaks and doubled quotes (`""`). A UTF-8 byte-order mark
/// is skipped. There are no comment lines. A quote inside an unquoted field is kept as text. Every field
/// keeps its line and column so that errors can point at it.
///
/// The bytes are checked to be valid UTF-8 when the document is created; any byte string either loads
/// or throws a `DataError`, never crashes.
///
/// A document is a whole file, or one piece of whole records of a large file read by `CSVFileReader`
/// (then `firstLine` is the file's line the piece starts on, so that every line number is the file's).
public struct CSVDocument: Sendable {
    /// The path used in error messages.
    public let path: String
    /// The file's bytes (or the piece's), without a leading byte-order mark.
    let bytes: [UInt8]
    /// The file's line number of the first byte (1 for a whole file).
    let firstLine: Int

    /// Reads and checks the file at `path`.
    public init(path: String) throws {
        try self.init(path: path, bytes: CSVDocument.contents(of: path))
    }

    /// The bytes of the file at `path`, or a `DataError` saying in plain words why there are none
    /// (`DataFile.checkReadable`).
    private static func contents(of path: String) throws -> [UInt8] {
        try DataFile.checkReadable(path)
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) else {
            throw DataError(path: path, line: 0, message: "cannot read the file")
        }
        return [UInt8](data)
    }

    /// A document from bytes already in memory; `path` is only used in error messages.
    public init(path: String, bytes raw: [UInt8]) throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        try self.init(path: path, piece: raw.starts(with: bom) ? Array(raw.dropFirst(3)) : raw, firstLine: 1)
    }

    /// A piece of whole records of the file at `path` starting on its line `firstLine` (no byte-order mark).
    init(path: String, piece content: [UInt8], firstLine: Int) throws {
        if let bad = content.withUnsafeBufferPointer(firstInvalidUTF8Offset) {
            let (line, column) = CSVDocument.location(ofOffset: bad, in: content)
            throw DataError(path: path, line: line + firstLine - 1, column: column,
                            message: "the file is not valid UTF-8 (byte 0x\(String(content[bad], radix: 16, uppercase: true)))",
                            lineText: CSVDocument.lineText(line, in: content))
        }
        self.path = path
        self.bytes = content
        self.firstLine = firstLine
    }

    /// Calls `body` with each record in file order. The record's `fields` array is reused between
    /// calls, so the scan allocates nothing per record unless `body` keeps the record.
    public func forEachRecord(_ body: (CSVRecord) throws -> Void) throws {
        var record = CSVRecord(line: 1, fields: [], isBlank: false)
        try bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0, line = firstLine, column = 1
            let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            while i < n {
                record.line = line
                record.fields.removeAll(keepingCapacity: true)
                while true {
                    let fieldLine = line, fieldColumn = column
                    if i < n, b[i] == quote {
                        i += 1; column += 1
                        let start = i
                        var escaped = false
                        while true {
                            guard i < n else {
                                throw error(line: fieldLine, column: fieldColumn,
                                            message: "a quoted field is never closed (missing '\"')")
                            }
                            let c = b[i]
                            if c == quote {
                                if i + 1 < n, b[i + 1] == quote { escaped = true; i += 2; column += 2; continue }
                                break
                            }
                            i += 1
                            if c == lf || c == cr {
                                if c == cr, i < n, b[i] == lf { i += 1 }
                                line += 1; column = 1
                            } else if c & 0xC0 != 0x80 {
                                column += 1
                            }
                        }
                        record.fields.append(CSVField(start: start, end: i, line: fieldLine, column: fieldColumn,
                                                      isQuoted: true, hasEscapedQuotes: escaped))
                        i += 1; column += 1
                        if i < n, b[i] != comma, b[i] != cr, b[i] != lf {
                            throw error(line: line, column: column,
                                        message: "unexpected text after a closing quote (expected ',' or the end of the line)")
                        }
                    } else {
                        let start = i
                        while i < n {
                            let c = b[i]
                            if c == comma || c == cr || c == lf { break }
                            if c & 0xC0 != 0x80 { column += 1 }
                            i += 1
                        }
                        record.fields.append(CSVField(start: start, end: i, line: fieldLine, column: fieldColumn,
                                                      isQuoted: false, hasEscapedQuotes: false))
                    }
                    if i < n, b[i] == comma { i += 1; column += 1; continue }
                    break
                }
                if i < n {  // at CR or LF
                    if b[i] == cr, i + 1 < n, b[i + 1] == lf { i += 1 }
                    i += 1; line += 1; column = 1
                }
                record.isBlank = record.fields.count == 1 && !record.fields[0].isQuoted
                    && b[record.fields[0].start..<record.fields[0].end].allSatisfy { $0 == 0x20 || $0 == 0x09 }
                try body(record)
            }
        }
    }

    /// All records, blank lines included (trailing blank lines are dropped).
    public func records() throws -> [CSVRecord] {
        var all: [CSVRecord] = []
        try forEachRecord { all.append($0) }
        while let last = all.last, last.isBlank { all.removeLast() }
        return all
    }

    /// The field's text, with doubled quotes undone; surrounding spaces are kept.
    public func text(of field: CSVField) -> String {
        let raw = String(decoding: bytes[field.start..<field.end], as: UTF8.self)
        return field.hasEscapedQuotes ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw
    }

    /// The field's text without surrounding spaces and tabs (how header names and labels are read).
    public func trimmedText(of field: CSVField) -> String {
        let range = bytes.withUnsafeBufferPointer { CSVDocument.trimmed(field.start..<field.end, in: $0) }
        let raw = String(decoding: bytes[range], as: UTF8.self)
        return field.hasEscapedQuotes ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw
    }

    /// The text of line `line` (1-based, the file's numbering) without its line ending, or `nil` outside
    /// the document.
    public func lineText(_ line: Int) -> String? {
        line >= firstLine ? CSVDocument.lineText(line - firstLine + 1, in: bytes) : nil
    }

    /// Whether `field` holds nothing but spaces and tabs (read in place, without a string).
    func isEmpty(_ field: CSVField) -> Bool {
        withBytes(of: field) { $0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
    }

    /// Whether `field` holds SAS's or Stata's missing value (`.`, `.B`, `._`; `CSVDocument.isSASMissing`),
    /// spaces and tabs around it aside. `cell(_:)` reads it as `.missing`, as it reads an empty cell; the
    /// CRSP reader also takes it for a blank cell where blank and missing differ (an event row: RET and PRC
    /// both blank).
    func holdsSASMissingValue(_ field: CSVField) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            CSVDocument.isSASMissing(UnsafeBufferPointer(rebasing: b[CSVDocument.trimmed(field.start..<field.end, in: b)]))
        }
    }

    /// Calls `body` with the bytes of `field` as written (inside the quotes when quoted), so that a loader
    /// can read a cell without making a string of it.
    /// `range` of `bytes` without the spaces and tabs at either end: a field as its cell is read.
    static func trimmed(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var s = range.lowerBound, e = range.upperBound
        while s < e, bytes[s] == 0x20 || bytes[s] == 0x09 { s += 1 }
        while e > s, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09 { e -= 1 }
        return s..<e
    }

    func withBytes<R>(of field: CSVField, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[field.start..<field.end])) }
    }

    /// What to do about a file written with another separator, when `records` look like one: none has two
    /// fields and some hold a semicolon or a tab (Excel writes `;` where the decimal mark is a comma). Read
    /// as CSV, such a file is one column, and the loader's complaint (no header, no value columns) would
    /// not say why.
    func separatorHint(_ records: some Sequence<CSVRecord>) -> String? {
        var separator: String?
        for record in records {
            guard record.fields.count == 1 else { return nil }
            let text = self.text(of: record.fields[0])
            separator = separator ?? (text.contains(";") ? "semicolons (;)" : text.contains("\t") ? "tabs" : nil)
        }
        return separator.map { "the file's lines are separated by \($0), not commas: Tilt reads comma-separated files (export or save the file as CSV with commas)" }
    }

    /// A `DataError` in this file at `line:column`, carrying the line's text.
    func error(line: Int, column: Int?, message: String, hint: String? = nil) -> DataError {
        DataError(path: path, line: line, column: column, message: message, lineText: lineText(line), hint: hint)
    }

    /// A `DataError` pointing at `field`.
    func error(at field: CSVField, _ message: String, hint: String? = nil) -> DataError {
        error(line: field.line, column: field.column, message: message, hint: hint)
    }

    private static func lineText(_ target: Int, in bytes: [UInt8]) -> String? {
        var line = 1, start = 0, i = 0
        let n = bytes.count
        while i < n, line < target {
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                if c == UInt8(ascii: "\r"), i < n, bytes[i] == UInt8(ascii: "\n") { i += 1 }
                line += 1; start = i
            }
        }
        guard line == target, start <= n else { return nil }
        var end = start
        while end < n, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private static func location(ofOffset offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, column = 1, i = 0
        while i < offset {
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                if c == UInt8(ascii: "\r"), i < offset, bytes[i] == UInt8(ascii: "\n") { i += 1 }
                line += 1; column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
