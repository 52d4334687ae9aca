import TiltData

/// Active risk through time: tracking error, information ratio and beta to the benchmark over a rolling
/// window of months (36 by default), one value per window, dated by the window's last month.
///
/// Tracking error: sample standard deviation (n − 1) of the window's active returns ×√12 (decimal per
/// year); information ratio: their mean ×12 over that tracking error (n/a below 1e-6 a year); beta:
/// cov(p − rf, b − rf) / var(b − rf) of the window's portfolio and benchmark excess returns (over 0
/// without a risk-free rate).
public struct RollingStatistics: Sendable {
    /// The window length of the report's rolling charts (months).
    public static let standardWindow = 36

    public var window: Int
    /// The last month of each window (from the `window`-th month of the result on).
    public var months: [Month]
    public var trackingError: [Double]
    public var informationRatio: [Double]
    public var beta: [Double]

    public init(_ result: BacktestResult, window: Int = standardWindow) {
        self.window = window
        let active = result.activeReturns
        let rf = result.riskFree ?? Array(repeating: 0, count: result.months.count)
        let portfolio = zip(result.portfolioReturns, rf).map { $0 - $1 }
        let benchmark = zip(result.benchmarkReturns, rf).map { $0 - $1 }
        let ends = window >= 1 && result.months.count >= window ? Array((window - 1)..<result.months.count) : []
        months = ends.map { result.months[$0] }
        trackingError = ends.map { end in
            SeriesStatistics.sampleStandardDeviation(active[(end - window + 1)...end]) * SeriesStatistics.monthsPerYear.squareRoot()
        }
        informationRatio = zip(ends, trackingError).map { end, te in
            SeriesStatistics.ratio(SeriesStatistics.mean(active[(end - window + 1)...end]) * SeriesStatistics.monthsPerYear, over: te)
        }
        beta = ends.map { end in
            let range = (end - window + 1)...end
            return Self.beta(Array(portfolio[range]), on: Array(benchmark[range]))
        }
    }

    /// The least-squares slope of `y` on `x`: cov(x, y)/var(x); NaN when x does not vary.
    static func beta(_ y: [Double], on x: [Double]) -> Double {
        let mx = SeriesStatistics.mean(x), my = SeriesStatistics.mean(y)
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        return sxx > 0 ? sxy / sxx : .nan
    }
}
