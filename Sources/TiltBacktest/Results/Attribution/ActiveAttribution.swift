import Foundation
import TiltData

/// A split of each month's active return (portfolio net of costs minus benchmark) into the contributions
/// of named components, which add up to it exactly, and their linking over several months.
///
/// Monthly contributions are arithmetic and sum to r_p,t − r_b,t. Over several months, arithmetic
/// contributions do not add up to the compounded active return R_P − R_B (R = Π(1 + r) − 1), so they are
/// linked with **Carino's** method (Carino 1999): each month's contributions are scaled by k_t / K, with
/// k_t = ln((1 + r_p,t)/(1 + r_b,t)) / (r_p,t − r_b,t) and K the same of the compounded returns
/// (1/(1 + r) when the two returns are equal); the linked contributions then sum exactly to R_P − R_B.
/// When a wealth falls to zero or below the logarithms are undefined and linked values are NaN.
public struct ActiveAttribution: Sendable {
    /// Which attribution this is.
    public enum Method: String, Sendable {
        /// Active exposures times factor returns (`FactorAttribution`).
        case factor
        /// Sector allocation and selection (`BrinsonFachlerAttribution`).
        case brinsonFachler = "brinson_fachler"
    }

    /// One part of the active return: an effect (alpha, factor, specific, allocation, selection, costs, …)
    /// and, for effects that come per factor or sector, which one.
    public struct Component: Sendable, Hashable {
        public var effect: String
        /// The factor or sector; empty for effects that are one number (alpha, specific, costs).
        public var segment: String

        public init(_ effect: String, _ segment: String = "") {
            self.effect = effect
            self.segment = segment
        }

        /// "mktrf", "allocation: Finance", "alpha".
        public var label: String {
            switch effect {
            case _ where segment.isEmpty: effect
            case "factor": segment
            default: "\(effect): \(segment)"
            }
        }
    }

    public var method: Method
    public var components: [Component]
    public var months: [Month]
    /// `contributions[t][c]`: the contribution of component c to month t's active return (decimal).
    public var contributions: [[Double]]
    /// Portfolio (net of costs) and benchmark returns of each month, whose difference the contributions
    /// add up to (decimal); they set the Carino coefficients.
    public var portfolioReturns: [Double]
    public var benchmarkReturns: [Double]

    public init(method: Method, components: [Component], months: [Month], contributions: [[Double]],
                portfolioReturns: [Double], benchmarkReturns: [Double]) {
        self.method = method
        self.components = components
        self.months = months
        self.contributions = contributions
        self.portfolioReturns = portfolioReturns
        self.benchmarkReturns = benchmarkReturns
    }

    /// The attribution of `result`'s months from a full row of contributions per month (one per
    /// component), leaving out the components at `optional` positions that are zero (below 1e-15) in every
    /// month — a cash or cost part a strategy does not have.
    init(method: Method, components: [Component], rows: [[Double]], optional: [Int], of result: BacktestResult) {
        let dropped = Set(optional.filter { c in rows.allSatisfy { abs($0[c]) <= 1e-15 } })
        let kept = components.indices.filter { !dropped.contains($0) }
        self.init(method: method, components: kept.map { components[$0] }, months: result.months,
                  contributions: rows.map { row in kept.map { row[$0] } },
                  portfolioReturns: result.portfolioReturns, benchmarkReturns: result.benchmarkReturns)
    }

    /// Carino's coefficient ln((1 + p)/(1 + b)) / (p − b), or 1/(1 + b) when p = b; NaN when 1 + p or
    /// 1 + b is not positive. Computed as log1p((p − b)/(1 + b))/(p − b), accurate when p and b are close.
    public static func carinoCoefficient(portfolio p: Double, benchmark b: Double) -> Double {
        guard 1 + p > 0, 1 + b > 0 else { return .nan }
        let difference = p - b
        return difference == 0 ? 1 / (1 + b) : log1p(difference / (1 + b)) / difference
    }

    /// The Carino-linked contributions of the months at `indices` (consecutive, in order): each month's
    /// contributions × k_t / K, K from the returns compounded over those months. Summed over the months,
    /// a component's linked contributions give its share of R_P − R_B over them.
    public func linked(_ indices: Range<Int>) -> [[Double]] {
        let p = SeriesStatistics.compoundedReturn(portfolioReturns[indices])
        let b = SeriesStatistics.compoundedReturn(benchmarkReturns[indices])
        let whole = Self.carinoCoefficient(portfolio: p, benchmark: b)
        return indices.map { t in
            let k = Self.carinoCoefficient(portfolio: portfolioReturns[t], benchmark: benchmarkReturns[t]) / whole
            return contributions[t].map { $0 * k }
        }
    }

    /// Each component's linked total over the months at `indices`: they sum to R_P − R_B over them.
    public func total(_ indices: Range<Int>) -> [Double] {
        linked(indices).reduce(into: [Double](repeating: 0, count: components.count)) { sums, row in
            for c in row.indices { sums[c] += row[c] }
        }
    }

    /// Each component's mean monthly contribution × 12 (not linked): they add up to the annualised
    /// arithmetic mean of the active return.
    public var annualMean: [Double] {
        components.indices.map { c in SeriesStatistics.mean(contributions.map { $0[c] }) * SeriesStatistics.monthsPerYear }
    }

    /// Each component's linked total over the whole period.
    public var total: [Double] { total(months.indices) }

    /// Running sums of the whole period's linked contributions: row t is each component's share of
    /// R_P − R_B from the first month to month t (the cumulated attribution).
    public var cumulative: [[Double]] {
        var sums = [Double](repeating: 0, count: components.count)
        return linked(months.indices).map { row in
            for c in row.indices { sums[c] += row[c] }
            return sums
        }
    }

    /// The indices of the months from `from` to `to` (inclusive) that the attribution covers; empty when
    /// none does.
    public func indices(from: Month, to: Month) -> Range<Int> {
        let first = months.firstIndex { $0 >= from } ?? months.count
        let end = months.firstIndex { $0 > to } ?? months.count
        return first..<max(first, end)
    }

    /// The sum of the linked totals of the components with `effect` (all allocation, all selection).
    public func total(effect: String, over indices: Range<Int>) -> Double {
        zip(components, total(indices)).reduce(0) { $0 + ($1.0.effect == effect ? $1.1 : 0) }
    }

    /// The distinct effects, in the order of the components.
    public var effects: [String] {
        var seen: Set<String> = []
        return components.map(\.effect).filter { seen.insert($0).inserted }
    }
}
