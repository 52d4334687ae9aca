import Foundation

/// What a data cell holds once read as a number.
public enum CSVCell: Sendable, Equatable {
    /// A decimal number (`-0.39`, `1e-3`, `+2`).
    case number(Double)
    /// An empty cell or a missing-value marker: `NA`, `N/A`, `NaN` (any case), or SAS's and Stata's missing
    /// values — `.`, and `.` with a letter or `_` (`.B`, `.c`, `._`) — as their exports write them. Read as NaN.
    case missing
    /// Anything else: not a number.
    case text
}

extension CSVDocument {
    /// Reads `field` as a number. Surrounding spaces and tabs are ignored; empty cells, `NA`, `N/A`, `NaN`
    /// and SAS's missing values (`.`, `.B`, `._`) are `.missing`; anything that is not a plain decimal number
    /// (hex, `inf`, `1,5`) is `.text`.
    /// Throws at the field when the number is beyond a double's range (`1e400`): read anyway it would
    /// become an infinity, which a loader would either keep as a value or take for a missing one.
    public func cell(_ field: CSVField) throws -> CSVCell {
        guard !field.hasEscapedQuotes else { return .text }
        return try bytes.withUnsafeBufferPointer { b in
            let trimmed = CSVDocument.trimmed(field.start..<field.end, in: b), s = trimmed.lowerBound, e = trimmed.upperBound
            if s == e || CSVDocument.isSASMissing(UnsafeBufferPointer(rebasing: b[s..<e])) { return .missing }
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
    /// correctly rounded, or `nil` unless the whole token is one number (`1e`, `1-2` are not). A plain
    /// decimal of at most 15 significant digits (`-12.375`, `0.012345`: what CRSP and Ken French write) is
    /// exact as an integer over a power of ten up to 10²², so one division rounds it correctly (Clinger's fast
    /// path); anything else is read by C's `strtod` from a copy on the stack. No string is made: a loader
    /// reads millions of cells.
    static func decimal(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
        if let fast = fastDecimal(token) { return fast }
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

    /// Powers of ten exact in a double.
    private static let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { x, _ in x * 10 } }

    /// `[sign] digits [. digits]` with at most 15 digits in all, else `nil` (left to `strtod`).
    private static func fastDecimal(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0, negative = false
        if i < token.count, token[i] == UInt8(ascii: "-") || token[i] == UInt8(ascii: "+") {
            negative = token[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa = 0, digits = 0, decimals = 0, point = false
        while i < token.count {
            let c = token[i]
            if c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                mantissa = mantissa * 10 + Int(c - UInt8(ascii: "0"))
                digits += 1
                if point { decimals += 1 }
                if digits > 15 { return nil }
            } else if c == UInt8(ascii: "."), !point {
                point = true
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        let value = Double(mantissa) / exactPowersOfTen[decimals]
        return negative ? -value : value
    }

    /// Whether `token` (trimmed) is SAS's or Stata's missing value: `.`, or `.` and one letter or `_`.
    static func isSASMissing(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        guard token.first == UInt8(ascii: "."), token.count <= 2 else { return false }
        guard token.count == 2 else { return true }
        let code = token[1]
        return (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(code) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(code)
            || code == UInt8(ascii: "_")
    }

    /// `NA`, `N/A` or `NaN` in any case.
    private static func isMissingMarker(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        let upper = token.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        return upper == Array("NA".utf8) || upper == Array("N/A".utf8) || upper == Array("NAN".utf8)
    }
}

extension CSVDocument {
    /// A hint for a cell that is not a number as Tilt reads numbers but is one written another way, or
    /// `nil`: a percentage (`5.2%`: write the decimal, 0.052), thousands separators (`1,234.5`: write
    /// 1234.5) or a decimal comma (`1,5`: write 1.5). Every loader's "is not a number" carries it.
    public static func numberHint(for text: String) -> String? {
        let cell = text.trimmingCharacters(in: .whitespaces)
        if cell.hasSuffix("%") {
            let body = cell.dropLast().trimmingCharacters(in: .whitespaces)
            guard isPlainDecimal(body), let percent = Decimal(string: body, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
            return "write numbers without '%', as decimals: \(cell) is \(percent / 100)"
        }
        guard cell.contains(","), !cell.contains(where: { !"+-0123456789.,".contains($0) }) else { return nil }
        let unsigned = cell.first == "+" || cell.first == "-" ? String(cell.dropFirst()) : cell
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        let isThousands = parts.count <= 2 && groups.count >= 2 && (1...3).contains(groups[0].count)
            && groups.dropFirst().allSatisfy { $0.count == 3 } && !(parts.count == 2 && parts[1].contains(","))
        if isThousands, isPlainDecimal(cell.replacingOccurrences(of: ",", with: "")) {
            return "remove the thousands separators: write \(cell.replacingOccurrences(of: ",", with: ""))"
        }
        let pieces = unsigned.split(separator: ",", omittingEmptySubsequences: false)
        if pieces.count == 2, !unsigned.contains("."), pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            return "the decimal mark is a point: write \(cell.replacingOccurrences(of: ",", with: "."))"
        }
        return nil
    }

    /// `[sign] digits [. digits]` (or `digits.`/`.digits`), at least one digit.
    private static func isPlainDecimal(_ text: String) -> Bool {
        var s = Substring(text)
        if s.first == "+" || s.first == "-" { s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.contains { !$0.isEmpty }
            && parts.allSatisfy { $0.allSatisfy { ("0"..."9").contains($0) } }
    }
}
