import TiltData

/// Annualised statistics of one monthly return series (a portfolio, its benchmark or the active
/// difference). Means are annualised ×12, volatilities ×√12; undefined values are NaN.
public struct ReturnStatistics: Sendable {
    /// Number of monthly returns.
    public var months: Int
    /// Mean monthly return ×12 (decimal per year).
    public var annualArithmeticReturn: Double
    /// (Π(1 + r))^(12/n) − 1 (decimal per year).
    public var annualGeometricReturn: Double
    /// Sample standard deviation (n − 1) of monthly returns ×√12.
    public var annualVolatility: Double
    /// Annualised mean excess return (over the risk-free rate when given, else over 0) divided by
    /// `annualVolatility`.
    public var sharpeRatio: Double
    /// The worst fall of Π(1 + r) from a peak; `nil` when wealth never fell.
    public var maxDrawdown: Drawdown?

    /// Statistics of `returns` earned in `months`; `riskFree` (same count) is subtracted for the Sharpe
    /// ratio only.
    public init(returns: [Double], riskFree: [Double]?, months: [Month]) {
        let excess = riskFree.map { rf in zip(returns, rf).map { $0 - $1 } } ?? returns
        let volatility = SeriesStatistics.sampleStandardDeviation(returns) * SeriesStatistics.monthsPerYear.squareRoot()
        self.months = returns.count
        annualArithmeticReturn = SeriesStatistics.mean(returns) * SeriesStatistics.monthsPerYear
        annualGeometricReturn = SeriesStatistics.geometricAnnualReturn(returns)
        annualVolatility = volatility
        sharpeRatio = SeriesStatistics.ratio(SeriesStatistics.mean(excess) * SeriesStatistics.monthsPerYear, over: volatility)
        maxDrawdown = Drawdown.maximum(returns: returns, months: months)
    }

    /// The maximum drawdown's depth, 0 when wealth never fell (negative decimal).
    public var maxDrawdownDepth: Double { maxDrawdown?.depth ?? 0 }
}
