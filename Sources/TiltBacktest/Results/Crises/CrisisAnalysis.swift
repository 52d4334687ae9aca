import TiltData

/// How a backtest fared in each crisis window that overlaps its sample.
public struct CrisisAnalysis: Sendable {
    /// One crisis window, clipped to the sample.
    public struct Window: Sendable {
        /// The window as named (not clipped).
        public var crisis: CrisisWindow
        /// First and last month of the window that lie inside the sample.
        public var from: Month
        public var to: Month
        /// Number of sample months inside the window.
        public var months: Int
        /// Compounded portfolio and benchmark returns over the window, Π(1 + r) − 1 (decimal).
        public var portfolioReturn: Double
        public var benchmarkReturn: Double
        /// Portfolio minus benchmark compounded return over the window (decimal).
        public var activeReturn: Double { portfolioReturn - benchmarkReturn }
        /// Annualised portfolio minus annualised benchmark return, (1 + R)^(12/months) − 1 each (decimal per year).
        public var annualisedActiveReturn: Double {
            SeriesStatistics.annualise(compounded: portfolioReturn, months: months)
                - SeriesStatistics.annualise(compounded: benchmarkReturn, months: months)
        }
        /// Maximum drawdown inside the window, wealth starting at 1 when it opens (≤ 0 decimal; 0 when
        /// wealth never fell; NaN when it fell below zero).
        public var portfolioDrawdown: Double
        public var benchmarkDrawdown: Double
        /// Months after the window's last month until wealth is back at its level when the window
        /// opened (0 if it already is at the end); `nil` when not within the sample.
        public var portfolioRecoveryMonths: Int?
        public var benchmarkRecoveryMonths: Int?
        /// Factor names (intercept first) and the active exposures averaged over the window's months,
        /// using the weights decided at the rebalance in effect in each month.
        public var factorNames: [String]
        public var averageActiveExposures: [Double]
        /// Sectors and the active sector weights (Σ w − b per sector) averaged the same way; empty when
        /// sectors are unknown.
        public var sectors: [String]
        public var averageActiveSectorWeights: [Double]
        /// Ex-ante risk of the rebalance in effect in each month of the window.
        public var risk: RiskContributionHistory
    }

    public var windows: [Window]
    /// The crisis windows left out because none of the sample's months lie in them, in the given order.
    public var outside: [CrisisWindow]

    /// Analyses `result` in each of `crises` (by default the result's own windows) that overlaps its
    /// months; windows outside the sample are left out (and listed in `outside`), windows at its edges
    /// are clipped.
    public init(_ result: BacktestResult, crises: [CrisisWindow]? = nil) throws(ResultInconsistency) {
        try result.validate()
        let inEffect = result.rebalanceInEffect
        let portfolioWealth = SeriesStatistics.cumulativeWealth(result.portfolioReturns)
        let benchmarkWealth = SeriesStatistics.cumulativeWealth(result.benchmarkReturns)
        var outside: [CrisisWindow] = []
        windows = (crises ?? result.crises).compactMap { crisis in
            let inside = result.months.indices.filter { (crisis.from...crisis.to).contains(result.months[$0]) }
            guard let first = inside.first, let last = inside.last else {
                outside.append(crisis)
                return nil
            }
            let held = inside.compactMap { inEffect[$0].map { result.rebalances[$0] } }
            var exposures = LabelledAverage()
            var sectors = LabelledAverage()
            for r in held {
                exposures.add(labels: r.factorNames, values: r.activeExposures)
                let active = r.activeSectorWeights
                sectors.add(labels: active.sectors, values: active.weights)
            }
            let portfolio = result.portfolioReturns[first...last]
            let benchmark = result.benchmarkReturns[first...last]
            let months = Array(result.months[first...last])
            return Window(
                crisis: crisis, from: result.months[first], to: result.months[last], months: inside.count,
                portfolioReturn: SeriesStatistics.compoundedReturn(portfolio),
                benchmarkReturn: SeriesStatistics.compoundedReturn(benchmark),
                portfolioDrawdown: Drawdown.maximum(returns: Array(portfolio), months: months)?.depth ?? 0,
                benchmarkDrawdown: Drawdown.maximum(returns: Array(benchmark), months: months)?.depth ?? 0,
                portfolioRecoveryMonths: Self.monthsToRecover(portfolioWealth, opening: first, closing: last),
                benchmarkRecoveryMonths: Self.monthsToRecover(benchmarkWealth, opening: first, closing: last),
                factorNames: exposures.labels, averageActiveExposures: exposures.values(over: exposures.observations),
                sectors: sectors.labels, averageActiveSectorWeights: sectors.values(over: sectors.observations),
                risk: RiskContributionHistory(rebalances: held))
        }
        self.outside = outside
    }

    /// Months after index `closing` until `wealth` regains its level before index `opening`.
    private static func monthsToRecover(_ wealth: [Double], opening: Int, closing: Int) -> Int? {
        let level = opening > 0 ? wealth[opening - 1] : 1
        return wealth[closing...].firstIndex { $0 >= level }.map { $0 - closing }
    }
}
