import TiltData

/// Monthly active returns laid out by year and calendar month (the tear sheet's heatmap), with each
/// year's active return: the portfolio's compounded return over the year's months minus the benchmark's,
/// Π(1 + p) − Π(1 + b) (decimal; NaN when a wealth went below zero).
public struct CalendarReturns: Sendable {
    /// The calendar years the result's months touch, in order.
    public var years: [Int]
    /// `active[y][m]`: the active return of month m + 1 (January = 0) of `years[y]`; NaN when the result
    /// has no return for that month.
    public var active: [[Double]]
    /// The active return of each year over the months the result has in it.
    public var yearlyActive: [Double]

    public init(_ result: BacktestResult) {
        years = Array(Set(result.months.map(\.year))).sorted()
        let row = Dictionary(uniqueKeysWithValues: years.enumerated().map { ($1, $0) })
        var active = years.map { _ in [Double](repeating: .nan, count: 12) }
        var portfolio = years.map { _ in [Double]() }, benchmark = portfolio
        for (t, month) in result.months.enumerated() {
            guard let y = row[month.year] else { continue }
            active[y][month.month - 1] = result.portfolioReturns[t] - result.benchmarkReturns[t]
            portfolio[y].append(result.portfolioReturns[t])
            benchmark[y].append(result.benchmarkReturns[t])
        }
        self.active = active
        yearlyActive = zip(portfolio, benchmark).map {
            SeriesStatistics.compoundedReturn($0) - SeriesStatistics.compoundedReturn($1)
        }
    }
}
