/// Positions in a text, converted between the byte offsets Tilt's ranges use (UTF-8) and what editors count:
/// the Language Server Protocol's (line, character) with characters in UTF-16 code units, and the Jupyter
/// protocol's cursor in Unicode code points. A line ends at `\n`, `\r\n` or `\r`, as the LSP defines it.
public struct TextPositions: Sendable {
    public let bytes: [UInt8]
    /// The byte offset where each line starts.
    private let lineStarts: [Int]

    public init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") {
                starts.append(i + 1)
            } else if bytes[i] == UInt8(ascii: "\r") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        lineStarts = starts
    }

    public var lineCount: Int { lineStarts.count }

    /// The bytes of a 0-based line without its line break; empty past the end.
    private func lineBounds(_ line: Int) -> Range<Int> {
        guard line >= 0, line < lineStarts.count else { return bytes.count..<bytes.count }
        let start = lineStarts[line]
        var end = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<end
    }

    /// The byte length of the UTF-8 sequence starting with `lead` (1 for a byte that does not start one, so
    /// that a walk always advances).
    private static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...0xF4: return 4
        case 0xE0...0xEF: return 3
        case 0xC2...0xDF: return 2
        default: return 1
        }
    }

    /// (0-based line, UTF-16 character) of a byte offset, clamped to the text.
    public func utf16Position(ofByte offset: Int) -> (line: Int, character: Int) {
        let offset = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        let bounds = lineBounds(lo)
        var character = 0, i = bounds.lowerBound
        while i < min(offset, bounds.upperBound) {
            let length = TextPositions.sequenceLength(bytes[i])
            character += length == 4 ? 2 : 1
            i += length
        }
        return (lo, character)
    }

    /// The byte offset of (0-based line, UTF-16 character). A line past the end is the end of the text; a
    /// character past the line's end is its end (as the LSP asks); one inside a surrogate pair is the
    /// start of its character.
    public func byteOffset(line: Int, utf16Character character: Int) -> Int {
        guard line >= 0 else { return 0 }
        guard line < lineStarts.count else { return bytes.count }
        let bounds = lineBounds(line)
        var units = 0, i = bounds.lowerBound
        while i < bounds.upperBound {
            let length = TextPositions.sequenceLength(bytes[i])
            let width = length == 4 ? 2 : 1
            if units + width > character { break }
            units += width
            i += length
        }
        return min(i, bounds.upperBound)
    }

    /// The UTF-16 length of a 0-based line, without its line break.
    public func utf16Length(ofLine line: Int) -> Int {
        utf16Position(ofByte: lineBounds(line).upperBound).character
    }

    /// The number of Unicode code points before a byte offset (Jupyter's `cursor_pos`).
    public func codePointOffset(ofByte offset: Int) -> Int {
        var count = 0, i = 0
        while i < min(offset, bytes.count) {
            i += TextPositions.sequenceLength(bytes[i])
            count += 1
        }
        return count
    }

    /// The byte offset of the `n`th code point, clamped to the text.
    public func byteOffset(ofCodePoint n: Int) -> Int {
        var count = 0, i = 0
        while i < bytes.count, count < n {
            i += TextPositions.sequenceLength(bytes[i])
            count += 1
        }
        return min(i, bytes.count)
    }
}
