/// One line of an input file as raw bytes, with its 1-based line number. Readers work on bytes so
/// that arbitrary (non-UTF-8) input can never trap and fixed-format column positions are exact.
struct SourceLine {
    let number: Int
    let bytes: ArraySlice<UInt8>

    /// The line decoded as text (invalid UTF-8 is replaced, never fatal).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// True when the line has only spaces, tabs or a carriage return.
    var isBlank: Bool { bytes.allSatisfy(isWhitespace) }

    /// The first byte, or nil for an empty line.
    var firstByte: UInt8? { bytes.first }

    /// Whitespace-separated tokens with their 1-based starting columns.
    func tokens() -> [Token] {
        var result: [Token] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            while index < bytes.endIndex, isWhitespace(bytes[index]) { index += 1 }
            guard index < bytes.endIndex else { break }
            let start = index
            while index < bytes.endIndex, !isWhitespace(bytes[index]) { index += 1 }
            result.append(Token(text: String(decoding: bytes[start..<index], as: UTF8.self),
                                column: start - bytes.startIndex + 1))
        }
        return result
    }
}

/// A piece of text on a line and where it starts (1-based column).
struct Token {
    let text: String
    let column: Int
}

func isWhitespace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        || byte == 0x0B || byte == 0x0C
}

/// Splits a file into lines on `\n` (a trailing `\r` is treated as whitespace).
func splitLines(_ bytes: [UInt8]) -> [SourceLine] {
    var lines: [SourceLine] = []
    var start = 0
    var number = 1
    for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
        lines.append(SourceLine(number: number, bytes: bytes[start..<index]))
        start = index + 1
        number += 1
    }
    if start < bytes.count { lines.append(SourceLine(number: number, bytes: bytes[start..<bytes.count])) }
    return lines
}

/// Parses a real number: decimal or scientific notation, also Fortran's `1.5D+02`. Returns nil
/// for anything else, including NaN; infinities are returned and left to the caller to judge.
func parseReal(_ text: String) -> Double? {
    guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
    let allowed = text.utf8.allSatisfy { byte in
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "e")
            || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "d") || byte == UInt8(ascii: "D")
    }
    if allowed {
        let isFortran = text.utf8.contains { $0 == UInt8(ascii: "d") || $0 == UInt8(ascii: "D") }
        let value = isFortran ? Double(String(text.map { $0 == "d" || $0 == "D" ? "e" : $0 })) : Double(text)
        return value?.isNaN == true ? nil : value
    }
    switch text.lowercased() {
    case "inf", "+inf", "infinity", "+infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    default: return nil
    }
}

/// Parses a non-negative decimal integer that fits comfortably in memory-sized counts.
func parseCount(_ text: String) -> Int? {
    guard !text.isEmpty, text.utf8.count <= 12,
          text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
    return Int(text)
}
