/// A calendar month, the period every monthly series is labelled with (`YYYY-MM`).
/// Months are ordered and can be stepped: `Month(2024, 12) + 1 == Month(2025, 1)`.
public struct Month: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Months since year 0 (year * 12 + month - 1).
    public let ordinal: Int

    public init(_ year: Int, _ month: Int) {
        ordinal = year * 12 + (month - 1)
    }

    public init(ordinal: Int) { self.ordinal = ordinal }

    /// Floor division, so that months before year 0 (negative ordinals) have the year they belong to.
    public var year: Int { ordinal >= 0 ? ordinal / 12 : -((-ordinal - 1) / 12) - 1 }
    public var month: Int { ordinal - year * 12 + 1 }

    /// Parses `YYYY-MM`, `YYYYMM` or `YYYY-MM-DD` (the day is checked, then ignored), with spaces or
    /// tabs around; `nil` when not a month.
    public init?(parsing text: Substring) {
        guard let date = Month.dateFields(text, compactDays: false, slashes: false) else { return nil }
        self.init(date.year, date.month)
    }

    /// `(year, month, day)` of a date written `YYYYMM`, `YYYY-MM` or `YYYY-MM-DD`, and with `compactDays`
    /// also `YYYYMMDD`, with `slashes` also `YYYY/MM/DD`; day 0 when the text has none. ASCII digits only,
    /// year 1000–9999, month 1–12, a day that the month has (`2005-02-30` and `2005-02-29` are not dates,
    /// `2004-02-29` is). Read byte by byte: data loaders call it once per row (840,000 times for a
    /// 2,000-stock CRSP extract).
    static func dateFields(_ text: Substring, compactDays: Bool, slashes: Bool) -> (year: Int, month: Int, day: Int)? {
        var text = text
        return text.withUTF8 { dateFields(bytes: $0, compactDays: compactDays, slashes: slashes) }
    }

    /// `dateFields(_:compactDays:slashes:)` on UTF-8 bytes (a CSV cell read in place, without a string).
    static func dateFields(bytes all: UnsafeBufferPointer<UInt8>, compactDays: Bool, slashes: Bool) -> (year: Int, month: Int, day: Int)? {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
        let dash = UInt8(ascii: "-"), slash = UInt8(ascii: "/")
        var bytes = all[...]
        while let first = bytes.first, first == space || first == tab { bytes.removeFirst() }
        while let last = bytes.last, last == space || last == tab { bytes.removeLast() }
        // Up to three runs of digits (value, length) between separators of one kind.
        var values = (0, 0, 0), lengths = (0, 0, 0), field = 0, separator: UInt8?
        for byte in bytes {
            if byte >= zero && byte <= nine {
                let digit = Int(byte - zero)
                switch field {
                case 0: values.0 = values.0 * 10 + digit; lengths.0 += 1
                case 1: values.1 = values.1 * 10 + digit; lengths.1 += 1
                default: values.2 = values.2 * 10 + digit; lengths.2 += 1
                }
                if lengths.0 > 8 || lengths.1 > 2 || lengths.2 > 2 { return nil }
            } else if byte == dash || (slashes && byte == slash), separator == nil || separator == byte, field < 2 {
                separator = byte
                field += 1
            } else {
                return nil
            }
        }
        let year: Int, month: Int, day: Int
        switch (field, lengths.0) {
        case (0, 6): (year, month, day) = (values.0 / 100, values.0 % 100, 0)
        case (0, 8) where compactDays: (year, month, day) = (values.0 / 10_000, values.0 / 100 % 100, values.0 % 100)
        case (1, 4) where separator == dash && lengths.1 == 2: (year, month, day) = (values.0, values.1, 0)
        case (2, 4) where lengths.1 == 2 && lengths.2 == 2: (year, month, day) = (values.0, values.1, values.2)
        default: return nil
        }
        let hasDay = field == 2 || lengths.0 == 8
        guard (1000...9999).contains(year), (1...12).contains(month),
              !hasDay || (1...Month.dayCount(year: year, month: month)).contains(day) else { return nil }
        return (year, month, day)
    }

    /// The number of days of `month` (1–12) in `year`, Gregorian: February has 29 in years divisible by
    /// 4, except centuries not divisible by 400.
    static func dayCount(year: Int, month: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init?(parsing text: String) { self.init(parsing: Substring(text)) }

    /// The layouts `calendarDate` (and a CRSP extract's or a tidy file's date cell) accepts, as error
    /// messages list them: exactly those of `dateFields(_:compactDays: true, slashes: true)`.
    public static let calendarDateFormats = "YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD, YYYYMM or YYYY-MM"

    /// (month, day) of a date written `YYYYMMDD`, `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMM` or `YYYY-MM` (day 0
    /// for the last two), `nil` when not a date.
    public static func calendarDate(_ text: String) -> (Month, Int)? {
        dateFields(Substring(text), compactDays: true, slashes: true).map { (Month($0.year, $0.month), $0.day) }
    }

    /// `YYYY-MM`, the year padded to four digits (`0999-06`).
    public var description: String {
        let yyyy = year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        let mm = month < 10 ? "0\(month)" : "\(month)"
        return "\(yyyy)-\(mm)"
    }

    public static func < (a: Month, b: Month) -> Bool { a.ordinal < b.ordinal }
    public static func + (a: Month, k: Int) -> Month { Month(ordinal: a.ordinal + k) }
    public static func - (a: Month, k: Int) -> Month { Month(ordinal: a.ordinal - k) }
    /// Number of months from `b` to `a`.
    public static func - (a: Month, b: Month) -> Int { a.ordinal - b.ordinal }
}

extension Month {
    /// Increasing months written for a message: runs of consecutive months as `first…last`, the first
    /// `runs` of them, then how many are left and the count (`2002-06`, `2002-06, 2003-01…2003-03 (4
    /// months)`, `2001-02, 2001-04, 2001-06 and 2 more (5 months)`).
    public static func listing(_ months: [Month], runs limit: Int = 3) -> String {
        var runs: [(Month, Month)] = []
        for month in months {
            if let last = runs.last, month == last.1 + 1 { runs[runs.count - 1].1 = month } else { runs.append((month, month)) }
        }
        let shown = runs.prefix(limit).map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0)…\($0.1)" }.joined(separator: ", ")
        let more = runs.count > limit ? " and \(runs.count - limit) more" : ""
        return shown + more + (months.count > 1 ? " (\(months.count) months)" : "")
    }
}
