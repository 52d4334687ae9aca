import Foundation

/// A calendar month, the period every monthly series is labelled with (`YYYY-MM`).
/// Months are ordered and can be stepped: `Month(2024, 12) + 1 == Month(2025, 1)`.
public struct Month: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Months since year 0 (year * 12 + month - 1).
    public let ordinal: Int

    public init(_ year: Int, _ month: Int) {
        ordinal = year * 12 + (month - 1)
    }

    public init(ordinal: Int) { self.ordinal = ordinal }

    public var year: Int { Int((Double(ordinal) / 12).rounded(.down)) }
    public var month: Int { ordinal - year * 12 + 1 }

    /// Parses `YYYY-MM`, `YYYYMM` or `YYYY-MM-DD` (the day is ignored); `nil` when not a month.
    public init?(parsing text: Substring) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.filter(\.isNumber)
        var y = 0, m = 0
        if t.count == 6, digits.count == 6 {
            guard let yy = Int(t.prefix(4)), let mm = Int(t.suffix(2)) else { return nil }
            y = yy; m = mm
        } else {
            let parts = t.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3, parts[0].count == 4, parts[1].count == 2,
                  let yy = Int(parts[0]), let mm = Int(parts[1]) else { return nil }
            if parts.count == 3 {
                guard parts[2].count == 2, let dd = Int(parts[2]), (1...31).contains(dd) else { return nil }
            }
            y = yy; m = mm
        }
        guard (1...12).contains(m), (1000...9999).contains(y) else { return nil }
        self.init(y, m)
    }

    public init?(parsing text: String) { self.init(parsing: Substring(text)) }

    public var description: String {
        let mm = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(mm)"
    }

    public static func < (a: Month, b: Month) -> Bool { a.ordinal < b.ordinal }
    public static func + (a: Month, k: Int) -> Month { Month(ordinal: a.ordinal + k) }
    public static func - (a: Month, k: Int) -> Month { Month(ordinal: a.ordinal - k) }
    /// Number of months from `b` to `a`.
    public static func - (a: Month, b: Month) -> Int { a.ordinal - b.ordinal }
}
