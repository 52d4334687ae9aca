import Foundation
import TiltData

/// The tear-sheet statistics of one monthly return series (a portfolio, its benchmark or the active
/// difference), as pyfolio and quantstats report them. Undefined values are NaN (printed n/a).
///
/// Definitions (returns monthly, decimal; `x` the excess return over the risk-free rate when one is given,
/// else the return itself):
/// - Sortino ratio: 12·mean(x) / (√12 · √(mean(min(x, 0)²))), the downside deviation over all months
///   (target 0 for x); annualised.
/// - Calmar ratio: geometric annual return / |maximum drawdown|.
/// - VaR 95%: the 5th percentile of the monthly returns, interpolating linearly between order statistics
///   (Hyndman–Fan type 7, numpy's default); a return, negative for a loss.
/// - CVaR 95% (expected shortfall): the mean of the monthly returns at or below the VaR.
/// - Skewness: adjusted Fisher–Pearson G1 = g1·√(n(n − 1))/(n − 2) (pandas' `skew`).
/// - Excess kurtosis: G2 = ((n + 1)·g2 + 6)(n − 1)/((n − 2)(n − 3)), g2 = m4/m2² − 3 (pandas' `kurt`).
/// - Hit rate: the fraction of months with a return above 0 (for active returns: months the portfolio
///   beat its benchmark).
/// - Best and worst month: the largest and smallest monthly return.
public struct DistributionStatistics: Sendable {
    /// The tail probability of the VaR and CVaR (5%: "95% VaR").
    public static let tailProbability = 0.05

    public var sortinoRatio: Double
    public var calmarRatio: Double
    /// Monthly return (decimal).
    public var valueAtRisk: Double
    /// Monthly return (decimal).
    public var conditionalValueAtRisk: Double
    public var skewness: Double
    public var excessKurtosis: Double
    /// Fraction of months (0…1).
    public var hitRate: Double
    /// Monthly returns (decimal).
    public var bestMonth: Double
    public var worstMonth: Double

    /// Statistics of `returns` earned in `months`; `riskFree` (same count) is subtracted for the Sortino
    /// ratio only.
    public init(returns: [Double], riskFree: [Double]?, months: [Month]) {
        let excess = riskFree.map { rf in zip(returns, rf).map { $0 - $1 } } ?? returns
        let downside = (excess.reduce(0) { $0 + min($1, 0) * min($1, 0) } / Double(excess.count)).squareRoot()
        sortinoRatio = excess.isEmpty ? .nan
            : SeriesStatistics.ratio(SeriesStatistics.mean(excess) * SeriesStatistics.monthsPerYear,
                                     over: downside * SeriesStatistics.monthsPerYear.squareRoot())
        let drawdown = Drawdown.maximum(returns: returns, months: months)?.depth ?? .nan
        calmarRatio = SeriesStatistics.geometricAnnualReturn(returns) / abs(drawdown)
        valueAtRisk = Self.percentile(returns, Self.tailProbability)
        let var95 = valueAtRisk
        conditionalValueAtRisk = SeriesStatistics.mean(returns.filter { $0 <= var95 })
        (skewness, excessKurtosis) = Self.shape(returns)
        hitRate = returns.isEmpty ? .nan : Double(returns.count { $0 > 0 }) / Double(returns.count)
        bestMonth = returns.max() ?? .nan
        worstMonth = returns.min() ?? .nan
    }

    /// The `p` quantile of `values`, interpolating linearly between order statistics at (n − 1)·p
    /// (Hyndman–Fan type 7); NaN for no values.
    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let h = Double(sorted.count - 1) * p
        let below = min(max(Int(h.rounded(.down)), 0), sorted.count - 1)
        let above = min(below + 1, sorted.count - 1)
        return sorted[below] + (h - Double(below)) * (sorted[above] - sorted[below])
    }

    /// Bias-adjusted sample skewness G1 and excess kurtosis G2; NaN with too few values (3 and 4) or none
    /// of spread.
    static func shape(_ x: [Double]) -> (skewness: Double, excessKurtosis: Double) {
        let n = Double(x.count)
        let m = SeriesStatistics.mean(x)
        func moment(_ k: Double) -> Double { x.reduce(0) { $0 + pow($1 - m, k) } / n }
        let m2 = moment(2), m3 = moment(3), m4 = moment(4)
        guard x.count >= 3, m2 > 0 else { return (.nan, .nan) }
        let g1 = m3 / pow(m2, 1.5)
        let skewness = g1 * (n * (n - 1)).squareRoot() / (n - 2)
        guard x.count >= 4 else { return (skewness, .nan) }
        let g2 = m4 / (m2 * m2) - 3
        return (skewness, ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)))
    }
}
