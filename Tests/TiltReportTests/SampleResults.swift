import Foundation
import TiltBacktest
import TiltData

/// Deterministic synthetic backtests for report tests: a small linear congruential generator, so the
/// numbers are reproducible without Foundation's random sources.
struct SampleGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }

    /// Roughly normal (sum of uniforms) with the given mean and standard deviation.
    mutating func normal(_ mean: Double, _ sd: Double) -> Double {
        mean + sd * ((0..<12).reduce(0) { s, _ in s + uniform() } - 6)
    }
}

/// A monthly backtest of `years` years from 2005-01 over six assets in three sectors, rebalanced
/// quarterly, with the built-in crisis windows.
func sampleResult(name: String, seed: UInt64, years: Int = 18, tilt: Double = 1) -> BacktestResult {
    var g = SampleGenerator(seed: seed)
    let start = Month(2005, 1), count = years * 12
    let months = (0..<count).map { start + $0 }
    let benchmark = months.map { _ in g.normal(0.006, 0.045) }
    let active = months.map { _ in g.normal(0.0008 * tilt, 0.01 * tilt) }
    let costs = months.map { _ in 0.0002 * tilt }
    let assets = ["Tech A", "Tech B", "Oil", "Gas", "Pharma", "Hospitals"]
    let sectors = ["Technology", "Technology", "Energy", "Energy", "Health", "Health"]
    let rebalances = stride(from: 0, to: count, by: 3).map { t in
        var w = assets.map { _ in g.uniform() + 0.2 }
        let total = w.reduce(0, +)
        w = w.map { $0 / total }
        let contributions = [g.uniform(), g.uniform(), g.uniform()].map { $0 * 0.00003 * tilt * tilt }
        let specific = 0.00002 * tilt * tilt
        return BacktestResult.Rebalance(
            month: start + t - 1, assets: assets, weights: w, benchmarkWeights: assets.map { _ in 1.0 / 6 },
            sectors: sectors, turnover: t == 0 ? 1 : g.uniform() * 0.4, factorNames: ["alpha", "mkt", "smb", "hml"],
            activeExposures: [0, g.normal(0, 0.1), g.normal(0.2, 0.1), g.normal(-0.1, 0.1)],
            factorRiskContributions: contributions, specificRiskContribution: specific,
            exAnteActiveVariance: contributions.reduce(specific, +), status: "optimal")
    }
    return BacktestResult(name: name, months: months, portfolioReturns: zip(benchmark, active).map { $0 + $1 - 0.0002 * tilt },
                          benchmarkReturns: benchmark, costs: costs, riskFree: months.map { _ in 0.001 },
                          rebalances: rebalances, crises: CrisisWindow.builtIn)
}

