import Foundation

/// How much a strategy trades and how concentrated its holdings are, averaged over its rebalances.
public struct PortfolioStatistics: Sendable {
    /// Weights above this count as held (decimal weight).
    public static let holdingThreshold = 1e-6

    /// Mean of Σ|w − w_before| per rebalance, leaving out the first one (buying the initial portfolio
    /// is not trading); NaN with fewer than two rebalances. Decimal (1.0 = 100%).
    public var turnoverPerRebalance: Double
    /// Total turnover of the rebalances after the first, per year of returns (×12 / months).
    public var annualTurnover: Double
    /// Mean number of assets with weight above `holdingThreshold`.
    public var averageHoldings: Double
    /// Mean effective number of assets 1/Σw².
    public var averageEffectiveN: Double
    /// Mean entropy of the holdings (`entropy`), in nats.
    public var averageEntropy: Double

    /// Statistics of `rebalances` for a result with `monthCount` monthly returns.
    public init(rebalances: [BacktestResult.Rebalance], monthCount: Int) {
        let trades = rebalances.dropFirst().map(\.turnover)
        turnoverPerRebalance = SeriesStatistics.mean(trades)
        annualTurnover = monthCount > 0 && !trades.isEmpty
            ? trades.reduce(0, +) * SeriesStatistics.monthsPerYear / Double(monthCount) : .nan
        averageHoldings = SeriesStatistics.mean(rebalances.map { Double(Self.holdings($0.weights)) })
        averageEffectiveN = SeriesStatistics.mean(rebalances.map { Self.effectiveN($0.weights) })
        averageEntropy = SeriesStatistics.mean(rebalances.map { Self.entropy($0.weights) })
    }

    /// Number of weights above `holdingThreshold`.
    public static func holdings(_ weights: [Double]) -> Int { weights.count { $0 > holdingThreshold } }
    /// 1/Σw²: the number of equal weights with the same concentration.
    public static func effectiveN(_ weights: [Double]) -> Double { 1 / weights.reduce(0) { $0 + $1 * $1 } }
    /// −Σ p log p over p = |w| / Σ|w| (natural log, 0 log 0 = 0): the entropy of how the book's gross
    /// exposure is spread, log n for n equal positions and at most log n. For a fully invested long-only
    /// book p = w, the usual −Σ w log w; with short positions −Σ w log w is no entropy (it exceeded log n on
    /// long–short books), so the absolute weights are used. NaN for a book with no position.
    public static func entropy(_ weights: [Double]) -> Double {
        let gross = weights.reduce(0) { $0 + abs($1) }
        guard gross > 0 else { return .nan }
        return -weights.reduce(0) { sum, w in
            let p = abs(w) / gross
            return p > 0 ? sum + p * log(p) : sum
        }
    }
}
