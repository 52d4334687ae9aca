/// An asset panel and factor returns restricted to the months both cover, row for row: row t of
/// `panel.returns` and of `factors.returns` is the same month, `months[t]`.
public struct AlignedData: Sendable {
    /// The common months, increasing.
    public let months: [Month]
    /// The panel restricted to `months`.
    public let panel: AssetPanel
    /// The factors restricted to `months`.
    public let factors: FactorFile

    /// Intersects the months of `panel` and `factors`. Throws `DataError` naming both date ranges when
    /// they share no month or only one (a backtest needs two: weights chosen at the end of one month earn
    /// the next), at the row after a gap in the common months, and at the cell of a factor return or
    /// risk-free rate missing in a common month.
    public init(panel: AssetPanel, factors: FactorFile) throws {
        var panelRows: [Int] = [], factorRows: [Int] = []
        var i = 0, k = 0
        while i < panel.months.count, k < factors.months.count {
            if panel.months[i] == factors.months[k] {
                panelRows.append(i); factorRows.append(k); i += 1; k += 1
            } else if panel.months[i] < factors.months[k] {
                i += 1
            } else {
                k += 1
            }
        }
        func range(_ m: [Month]) -> String {
            guard let first = m.first, let last = m.last else { return "no months" }
            return first == last ? "only \(first)" : "\(first)…\(last)"
        }
        guard !panelRows.isEmpty else {
            throw DataError(path: factors.path, line: 0,
                            message: "no common months: the asset panel (\(panel.path)) covers \(range(panel.months)), the factors (\(factors.path)) cover \(range(factors.months))")
        }
        guard panelRows.count > 1 else {
            // About the returns when they have one month themselves, else about the factors that leave one.
            let month = panel.months[panelRows[0]]
            let why = "a backtest needs two or more (the weights chosen at the end of a month earn the next)"
            if panel.months.count == 1 {
                throw DataError(path: panel.path, line: 0, message: "the returns cover a single month, \(month): \(why)")
            }
            throw DataError(path: factors.path, line: 0,
                            message: "the asset panel (\(panel.path)) covers \(range(panel.months)) and the factors (\(factors.path)) cover \(range(factors.months)): they share a single month, \(month), and \(why)")
        }
        months = panelRows.map { panel.months[$0] }
        try Self.checkConsecutive(months, panel: panel, factors: factors)
        // Consecutive months of a panel whose months strictly increase are consecutive rows: the panel is
        // restricted to them without copying its values.
        self.panel = panel.restricted(to: panelRows[0]..<(panelRows[panelRows.count - 1] + 1))
        self.factors = factors.pickingRows(factorRows)
        if let missing = self.factors.missingValueError(context: "every month the returns and factors share (\(months[0])…\(months[months.count - 1])) needs each factor return and the risk-free rate (the regressions and the backtest use them)") {
            throw missing
        }
    }

    /// Rows are months in a row: a rebalance at the end of month T earns month T + 1, and estimation
    /// windows count months. So the common months may not skip any. The error is about the file without
    /// the first skipped month: it names the months that file skips there and points at the row after
    /// them (when the file has one row per month).
    private static func checkConsecutive(_ months: [Month], panel: AssetPanel, factors: FactorFile) throws {
        guard let before = zip(months, months.dropFirst()).first(where: { $1 - $0 != 1 })?.0 else { return }
        let missing = before + 1
        let (path, fileMonths, rowLines) = panel.months.contains(missing)
            ? (factors.path, factors.months, factors.rowLines) : (panel.path, panel.months, panel.rowLines)
        // The file lacks `missing`, so this is its first row after it: at the latest the common month
        // that ends the gap.
        let next = fileMonths.prefix { $0 < missing }.count
        let lastMissing = fileMonths[next] - 1
        let span = missing == lastMissing ? "\(missing)" : "\(missing)…\(lastMissing)"
        let message = "no data for \(span)\(rowLines == nil ? "" : " before this row"), inside the months the returns and factors share (\(months[0])…\(months[months.count - 1])): every month in between is needed (a rebalance at the end of a month earns the next one)"
        guard let line = rowLines?[next] else { throw DataError(path: path, line: 0, message: message) }
        // The file is read again for the row's text (shown with a caret); without it the line number stays.
        throw (try? CSVDocument(path: path))?.error(line: line, column: 1, message: message)
            ?? DataError(path: path, line: line, column: 1, message: message)
    }
}
