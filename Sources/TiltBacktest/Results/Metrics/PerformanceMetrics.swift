import TiltData

/// The summary of one backtest: returns and risk of the portfolio, its benchmark and the active
/// difference, trading and concentration, and the ex-ante active risk through time.
public struct PerformanceMetrics: Sendable {
    /// The result's name (for tables and legends).
    public var name: String
    /// First and last month of returns (`nil` for an empty result).
    public var period: ClosedRange<Month>?
    public var portfolio: ReturnStatistics
    public var benchmark: ReturnStatistics
    /// Statistics of portfolio − benchmark; its Sharpe ratio uses no risk-free rate (it equals the
    /// information ratio).
    public var active: ReturnStatistics
    /// The tear-sheet statistics of the portfolio's, the benchmark's and the active returns (Sortino over
    /// the risk-free rate for the first two).
    public var portfolioDistribution: DistributionStatistics
    public var benchmarkDistribution: DistributionStatistics
    public var activeDistribution: DistributionStatistics
    /// Mean trading cost per month ×12 (decimal per year).
    public var annualCost: Double
    public var trading: PortfolioStatistics
    /// Ex-ante active risk at every rebalance.
    public var risk: RiskContributionHistory

    /// Computes the metrics of `result`; throws when its series do not fit together.
    public init(_ result: BacktestResult) throws(ResultInconsistency) {
        try result.validate()
        name = result.name
        period = result.months.first.flatMap { first in result.months.last.map { first...$0 } }
        portfolio = ReturnStatistics(returns: result.portfolioReturns, riskFree: result.riskFree, months: result.months)
        benchmark = ReturnStatistics(returns: result.benchmarkReturns, riskFree: result.riskFree, months: result.months)
        active = ReturnStatistics(returns: result.activeReturns, riskFree: nil, months: result.months)
        portfolioDistribution = DistributionStatistics(returns: result.portfolioReturns, riskFree: result.riskFree, months: result.months)
        benchmarkDistribution = DistributionStatistics(returns: result.benchmarkReturns, riskFree: result.riskFree, months: result.months)
        activeDistribution = DistributionStatistics(returns: result.activeReturns, riskFree: nil, months: result.months)
        annualCost = SeriesStatistics.mean(result.costs) * SeriesStatistics.monthsPerYear
        trading = PortfolioStatistics(rebalances: result.rebalances, monthCount: result.months.count)
        risk = RiskContributionHistory(rebalances: result.rebalances)
    }

    /// Realised tracking error: annualised volatility of active returns (decimal).
    public var trackingError: Double { active.annualVolatility }
    /// Annualised mean active return over the tracking error; undefined (NaN) when the tracking error is
    /// negligible (`SeriesStatistics.ratio`).
    public var informationRatio: Double { SeriesStatistics.ratio(active.annualArithmeticReturn, over: trackingError) }
}
