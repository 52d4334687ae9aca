/// Collects the period labels of a dated series (months or years) and insists they strictly increase,
/// so that a duplicated or out-of-order row is reported at its line instead of corrupting a backtest.
struct IncreasingPeriods {
    let document: CSVDocument
    /// Ordinals seen so far (month ordinal or year), in order.
    private(set) var ordinals: [Int] = []
    private var lastLine = 0
    private var lastLabel = ""

    init(document: CSVDocument) { self.document = document }

    /// Appends the period written in `field`, throwing unless it comes strictly after the previous one.
    mutating func append(ordinal: Int, label: String, at field: CSVField) throws {
        if let previous = ordinals.last, ordinal <= previous {
            let problem = ordinal == previous
                ? "duplicate date \(label) (also on line \(lastLine))"
                : "date \(label) comes after \(lastLabel) (line \(lastLine)): dates must be strictly increasing"
            throw document.error(at: field, problem)
        }
        ordinals.append(ordinal)
        lastLine = field.line
        lastLabel = label
    }
}

extension CSVDocument {
    /// The month written in `field` (`YYYY-MM`, `YYYYMM`, or a date `YYYY-MM-DD`, `YYYYMMDD`,
    /// `YYYY/MM/DD`), or a `DataError` pointing at it.
    func month(in field: CSVField) throws -> Month {
        guard let date = withBytes(of: field, { Month.dateFields(bytes: $0, compactDays: true, slashes: true) }) else {
            throw error(at: field, "'\(trimmedText(of: field))' is not a month (expected \(Month.calendarDateFormats), with a month 01–12 and a day the month has)")
        }
        return Month(date.year, date.month)
    }
}
