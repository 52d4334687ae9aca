import TiltData

/// A `BacktestResult` whose series do not fit together, so no metric can be computed from it.
public struct ResultInconsistency: Error, CustomStringConvertible, Sendable, Equatable {
    /// The result's name.
    public var result: String
    /// What does not fit, in plain words.
    public var message: String

    public var description: String { "backtest result '\(result)': \(message)" }
}

extension BacktestResult {
    /// Checks that the monthly series (factor and sector returns too, when present) have one value per
    /// month, months increase, and every rebalance has one weight, benchmark weight and sector per asset
    /// and one risk contribution per factor.
    public func validate() throws(ResultInconsistency) {
        func fail(_ message: String) -> ResultInconsistency { ResultInconsistency(result: name, message: message) }
        let n = months.count
        for (label, count) in [("portfolio returns", portfolioReturns.count), ("benchmark returns", benchmarkReturns.count),
                               ("costs", costs.count), ("risk-free rates", riskFree?.count ?? n)] where count != n {
            throw fail("\(count) \(label) for \(n) months")
        }
        if let factorReturns {
            if factorReturns.values.count != n { throw fail("\(factorReturns.values.count) months of factor returns for \(n) months") }
            if let row = factorReturns.values.first(where: { $0.count != factorReturns.names.count }) {
                throw fail("a month has \(row.count) factor returns for \(factorReturns.names.count) factors")
            }
        }
        if let sectorMonths {
            if sectorMonths.count != n { throw fail("\(sectorMonths.count) months of sector returns for \(n) months") }
            if sectorMonths.contains(where: { s in
                [s.portfolioWeights, s.benchmarkWeights, s.portfolioContributions, s.benchmarkContributions].contains { $0.count != s.sectors.count }
            }) {
                throw fail("a month's sector returns do not have one value per sector")
            }
        }
        if let i = months.indices.dropFirst().first(where: { months[$0] <= months[$0 - 1] }) {
            throw fail("months are not increasing at \(months[i])")
        }
        if let i = rebalances.indices.dropFirst().first(where: { rebalances[$0].month <= rebalances[$0 - 1].month }) {
            throw fail("rebalance months are not increasing at \(rebalances[i].month)")
        }
        for r in rebalances {
            let assets = r.assets.count
            if r.weights.count != assets || r.benchmarkWeights.count != assets || (r.sectors?.count ?? assets) != assets {
                throw fail("rebalance \(r.month) has \(assets) assets but \(r.weights.count) weights, "
                           + "\(r.benchmarkWeights.count) benchmark weights and \(r.sectors?.count ?? assets) sectors")
            }
            if r.activeExposures.count != r.factorNames.count {
                throw fail("rebalance \(r.month) has \(r.factorNames.count) factor names but \(r.activeExposures.count) exposures")
            }
            if r.factorRiskContributions.count > r.factorNames.count {
                throw fail("rebalance \(r.month) has more risk contributions (\(r.factorRiskContributions.count)) "
                           + "than factors (\(r.factorNames.count))")
            }
        }
    }

    /// For each month of `months`, the index of the rebalance whose weights were held in it: the latest
    /// rebalance decided before that month (`nil` before the first rebalance).
    public var rebalanceInEffect: [Int?] {
        var next = 0
        var current: Int? = nil
        return months.map { month in
            while next < rebalances.count, rebalances[next].month < month {
                current = next
                next += 1
            }
            return current
        }
    }
}

extension BacktestResult.Rebalance {
    /// The factors that `factorRiskContributions` refer to: the last names of `factorNames` (the
    /// intercept "alpha", which carries no factor risk, is left out).
    public var riskFactorNames: [String] { Array(factorNames.suffix(factorRiskContributions.count)) }

    /// Active weight w − b summed per sector, sectors in order of first appearance; empty when the
    /// sectors are unknown.
    public var activeSectorWeights: (sectors: [String], weights: [Double]) {
        guard let sectors else { return ([], []) }
        var order: [String] = []
        var totals: [String: Double] = [:]
        for (i, sector) in sectors.enumerated() {
            if totals[sector] == nil { order.append(sector) }
            totals[sector, default: 0] += weights[i] - benchmarkWeights[i]
        }
        return (order, order.map { totals[$0] ?? 0 })
    }
}

/// Averages labelled vectors whose labels may differ between observations (factors or sectors that come
/// and go): a label missing from an observation counts as 0 there. Labels keep their first-seen order.
struct LabelledAverage {
    private(set) var labels: [String] = []
    private var position: [String: Int] = [:]
    private var sums: [Double] = []
    private(set) var observations = 0

    mutating func add(labels newLabels: [String], values: [Double]) {
        for (label, value) in zip(newLabels, values) {
            if position[label] == nil {
                position[label] = labels.count
                labels.append(label)
                sums.append(0)
            }
            if let p = position[label] { sums[p] += value }
        }
        observations += 1
    }

    /// Sums divided by `count` (pass `observations` for the plain average); NaN when `count` is 0.
    func values(over count: Int) -> [Double] { sums.map { count > 0 ? $0 / Double(count) : .nan } }
}
