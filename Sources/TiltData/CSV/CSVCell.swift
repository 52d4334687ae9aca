import Foundation

/// What a data cell holds once read as a number.
public enum CSVCell: Sendable, Equatable {
    /// A decimal number (`-0.39`, `1e-3`, `+2`).
    case number(Double)
    /// An empty cell or a missing-value marker: `NA`, `N/A`, `NaN` (any case). Read as NaN.
    case missing
    /// Anything else: not a number.
    case text
}

extension CSVDocument {
    /// Reads `field` as a number. Surrounding spaces and tabs are ignored; empty cells and `NA`, `N/A`,
    /// `NaN` are `.missing`; anything that is not a plain decimal number (hex, `inf`, `1,5`) is `.text`.
    /// Throws at the field when the number is beyond a double's range (`1e400`): read anyway it would
    /// become an infinity, which a loader would either keep as a value or take for a missing one.
    public func cell(_ field: CSVField) throws -> CSVCell {
        guard !field.hasEscapedQuotes else { return .text }
        return try bytes.withUnsafeBufferPointer { b in
            var s = field.start, e = field.end
            while s < e, b[s] == 0x20 || b[s] == 0x09 { s += 1 }
            while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 { e -= 1 }
            if s == e { return .missing }
            var digits = 0
            for k in s..<e {
                switch b[k] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
                case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): break
                default:
                    return CSVDocument.isMissingMarker(UnsafeBufferPointer(rebasing: b[s..<e])) ? .missing : .text
                }
            }
            guard digits > 0, let value = CSVDocument.decimal(UnsafeBufferPointer(rebasing: b[s..<e])) else { return .text }
            guard value.isFinite else {
                throw error(at: field, "'\(trimmedText(of: field))' is out of range (numbers must lie within ±1.8e308)")
            }
            return .number(value)
        }
    }

    /// The number written in `token` (digits, signs, a point and an exponent only, checked by the caller),
    /// correctly rounded, or `nil` unless the whole token is one number (`1e`, `1-2` are not). Read with
    /// C's `strtod` from a copy on the stack: no string is made, as a loader reads millions of cells.
    static func decimal(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = token.count
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { text -> Double? in
            guard let start = text.baseAddress else { return nil }
            for k in 0..<n { text[k] = CChar(bitPattern: token[k]) }
            text[n] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(start, &end)
            return end == start + n ? value : nil
        }
    }

    /// `NA`, `N/A` or `NaN` in any case.
    private static func isMissingMarker(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        let upper = token.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        return upper == Array("NA".utf8) || upper == Array("N/A".utf8) || upper == Array("NAN".utf8)
    }
}
