/// A program text with its name, and the line table needed to turn byte offsets into line:column.
public struct SourceFile: Sendable {
    /// Name shown in diagnostics: a path, `<stdin>` or `<repl>`.
    public let name: String
    /// The text as UTF-8 bytes (invalid UTF-8 is kept byte for byte; the lexer reports it), without a
    /// leading byte-order mark.
    public let bytes: [UInt8]
    /// Offset of the first byte of every line.
    public let lineStarts: [Int]

    /// The UTF-8 byte-order mark (U+FEFF), which some editors write at the start of a file.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A file's text. A leading byte-order mark is not part of the program (editors do not show it), so it is
    /// dropped here: the lexer never sees it and columns on the first line count from the first character shown.
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes.starts(with: SourceFile.byteOrderMark) ? Array(bytes.dropFirst(SourceFile.byteOrderMark.count)) : bytes
        var starts = [0]
        for (i, b) in self.bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        lineStarts = starts
    }

    public init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// 1-based line and column (columns count characters, not bytes) of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= clamped { lo = mid } else { hi = mid - 1 }
        }
        let lineStart = lineStarts[lo]
        let column = characterCount(bytes[lineStart..<clamped]) + 1
        return SourceLocation(line: lo + 1, column: column)
    }

    /// The text of a 1-based line without its newline (invalid bytes replaced).
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text covered by a range.
    public func text(_ range: SourceRange) -> String {
        let lo = max(0, min(range.start, bytes.count))
        let hi = max(lo, min(range.end, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }

    private func characterCount(_ slice: ArraySlice<UInt8>) -> Int {
        // Count UTF-8 lead bytes so that a caret lines up under multi-byte characters.
        slice.reduce(0) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) }
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
