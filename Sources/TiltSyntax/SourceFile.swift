/// A program text with its name, and the line table needed to turn byte offsets into line:column.
public struct SourceFile: Sendable {
    /// Name shown in diagnostics: a path, `<stdin>` or `<repl>`.
    public let name: String
    /// The text as UTF-8 bytes (invalid UTF-8 is kept byte for byte; the lexer reports it), without a
    /// leading byte-order mark.
    public let bytes: [UInt8]
    /// Offset of the first byte of every line.
    public let lineStarts: [Int]
    /// Where this file's first byte sits in a range space several files share: 0 for a program; the REPL
    /// gives each entry its own stretch, so that a range kept from an earlier entry (a strategy's objective)
    /// is never read against a later entry's text. Ranges are in this space; `bytes` and `lineStarts` are not.
    public let startOffset: Int

    /// The UTF-8 byte-order mark (U+FEFF), which some editors write at the start of a file.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A file's text. A leading byte-order mark is not part of the program (editors do not show it), so it is
    /// dropped here: the lexer never sees it and columns on the first line count from the first character shown.
    public init(name: String, bytes: [UInt8], startOffset: Int = 0) {
        self.name = name
        self.startOffset = startOffset
        self.bytes = bytes.starts(with: SourceFile.byteOrderMark) ? Array(bytes.dropFirst(SourceFile.byteOrderMark.count)) : bytes
        var starts = [0]
        for (i, b) in self.bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        lineStarts = starts
    }

    public init(name: String, text: String, startOffset: Int = 0) {
        self.init(name: name, bytes: Array(text.utf8), startOffset: startOffset)
    }

    /// The first offset after this file's stretch of the range space (where the next REPL entry starts).
    public var endOffset: Int { startOffset + bytes.count + 1 }

    /// Whether a range starts in this file.
    public func contains(_ range: SourceRange) -> Bool {
        range.start >= startOffset && range.start < endOffset
    }

    /// 1-based line and column of a byte offset. Columns count characters, not bytes: a UTF-8 scalar is one
    /// column, and so is each byte that is not valid UTF-8 (printed as �), so that a caret lines up under what
    /// `lineExcerpt` prints and two invalid bytes never share a column.
    public func location(of offset: Int) -> SourceLocation {
        location(ofByte: offset - startOffset)
    }

    /// `location(of:)` for a position in `bytes`.
    private func location(ofByte position: Int) -> SourceLocation {
        let clamped = max(0, min(position, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= clamped { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var i = lineStarts[lo]
        while i < clamped {
            i += character(at: i).length
            column += 1
        }
        return SourceLocation(line: lo + 1, column: column)
    }

    /// The number of columns of a 1-based line, without its newline.
    public func columnCount(ofLine line: Int) -> Int {
        location(ofByte: lineRange(line).upperBound).column - 1
    }

    /// Columns `columns` (1-based, end excluded) of a 1-based line, one printed character per column: a tab
    /// is a space, and a control or format character or a byte that is not valid UTF-8 is �, so that no raw
    /// control byte reaches the terminal and a caret below lines up.
    public func lineExcerpt(_ line: Int, columns: Range<Int>) -> String {
        var text = ""
        forEachPrinted(ofLine: line, columns: columns) { text.unicodeScalars.append($0) }
        return text
    }

    /// Terminal cells taken by columns `columns` of a 1-based line as `lineExcerpt` prints them (see
    /// `cells(_:)`), so that a caret lines up under it; a column past the line's end, where a caret may
    /// stand, takes one.
    public func displayWidth(ofLine line: Int, columns: Range<Int>) -> Int {
        var width = 0, visited = 0
        forEachPrinted(ofLine: line, columns: columns) {
            width += SourceFile.cells($0)
            visited += 1
        }
        return width + columns.count - visited
    }

    /// The terminal cells of each of the columns `columns` of a 1-based line that the line has, in order
    /// (see `cells(_:)`).
    public func cellWidths(ofLine line: Int, columns: Range<Int>) -> [Int] {
        var widths: [Int] = []
        forEachPrinted(ofLine: line, columns: columns) { widths.append(SourceFile.cells($0)) }
        return widths
    }

    /// Calls `body` with each of the columns `columns` of a 1-based line as an excerpt prints it
    /// (`printable(_:)`), in order; columns past the line's end are not visited.
    private func forEachPrinted(ofLine line: Int, columns: Range<Int>, _ body: (Unicode.Scalar) -> Void) {
        let range = lineRange(line)
        var column = 1, i = range.lowerBound
        while i < range.upperBound, column < columns.upperBound {
            let (scalar, length) = character(at: i)
            if column >= columns.lowerBound { body(SourceFile.printable(scalar)) }
            i += length
            column += 1
        }
    }

    /// Terminal cells a printed character takes: none for a combining mark (it is drawn over the character
    /// before it, as the accent of an e written e + U+0301), two for a wide character (CJK, fullwidth
    /// forms, most emoji), one otherwise.
    private static func cells(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return 0
        default: return isWide(scalar) ? 2 : 1
        }
    }

    /// East Asian wide and fullwidth characters (the ranges terminals draw two cells wide).
    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// How a character is printed in an excerpt.
    private static func printable(_ scalar: Unicode.Scalar?) -> Unicode.Scalar {
        guard let scalar else { return "\u{FFFD}" }
        if scalar == "\t" { return " " }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return "\u{FFFD}"
        default: return scalar
        }
    }

    /// The byte range of a 1-based line without its newline (and a carriage return before it); empty past the end.
    private func lineRange(_ line: Int) -> Range<Int> {
        guard line >= 1, line <= lineStarts.count else { return bytes.count..<bytes.count }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<max(start, end)
    }

    /// The scalar starting at byte `i` and its length in bytes, or nil and 1 for a byte that does not start
    /// valid UTF-8. A newline is never inside a scalar, so lines cut the text between characters.
    private func character(at i: Int) -> (scalar: Unicode.Scalar?, length: Int) {
        if bytes[i] < 0x80 { return (Unicode.Scalar(bytes[i]), 1) }
        var iterator = bytes[i...].makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        guard case .valid(let encoded) = parser.parseScalar(from: &iterator) else { return (nil, 1) }
        return (Unicode.UTF8.decode(encoded), encoded.count)
    }

    /// The source text covered by a range.
    public func text(_ range: SourceRange) -> String {
        let lo = max(0, min(range.start - startOffset, bytes.count))
        let hi = max(lo, min(range.end - startOffset, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}

/// A 1-based line and column.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public var description: String { "\(line):\(column)" }
}

/// A half-open byte range `start..<end` in a `SourceFile`.
public struct SourceRange: Sendable, Equatable, Hashable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }
    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }
    public static let empty = SourceRange(start: 0, end: 0)
}
