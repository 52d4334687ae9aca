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
/// quarterly (the weights held unchanged through each quarter), with factor returns and the sectors'
/// monthly split, so that both attributions can be computed, and the built-in crisis windows. Portfolio
/// and benchmark returns are made from the assets' returns, as a backtest makes them.
func sampleResult(name: String, seed: UInt64, years: Int = 18, tilt: Double = 1) -> BacktestResult {
    var g = SampleGenerator(seed: seed)
    let start = Month(2005, 1), count = years * 12
    let months = (0..<count).map { start + $0 }
    let assets = ["Tech A", "Tech B", "Oil", "Gas", "Pharma", "Hospitals"]
    let sectors = ["Technology", "Technology", "Energy", "Energy", "Health", "Health"]
    let benchmarkWeights = assets.map { _ in 1.0 / 6 }
    let factors = months.map { _ in [g.normal(0.006, 0.045), g.normal(0.001, 0.03), g.normal(0.002, 0.03)] }
    let betas = assets.map { _ in [g.normal(1, 0.2), g.normal(0, 0.4), g.normal(0, 0.4)] }
    let rebalances = stride(from: 0, to: count, by: 3).map { t in
        let raw = assets.map { _ in g.uniform() + 0.2 }
        let total = raw.reduce(0, +)
        let w = zip(raw, benchmarkWeights).map { $1 + tilt * ($0 / total - $1) }
        let contributions = [g.uniform(), g.uniform(), g.uniform()].map { $0 * 0.00003 * tilt * tilt }
        let specific = 0.00002 * tilt * tilt
        let active = zip(w, benchmarkWeights).map { $0 - $1 }
        let exposures = (0..<3).map { k in zip(active, betas).reduce(0) { $0 + $1.0 * $1.1[k] } }
        return BacktestResult.Rebalance(
            month: start + t - 1, assets: assets, weights: w, benchmarkWeights: benchmarkWeights,
            sectors: sectors, turnover: t == 0 ? 1 : g.uniform() * 0.4, factorNames: ["alpha", "mkt", "smb", "hml"],
            activeExposures: [g.normal(0.0005, 0.0005)] + exposures,
            factorRiskContributions: contributions, specificRiskContribution: specific,
            exAnteActiveVariance: contributions.reduce(specific, +), status: "optimal")
    }
    var portfolio: [Double] = [], benchmark: [Double] = [], costs: [Double] = [], sectorMonths: [SectorMonth] = []
    for t in 0..<count {
        let r = rebalances[t / 3]
        let returns = betas.map { beta in zip(beta, factors[t]).reduce(0) { $0 + $1.0 * $1.1 } + g.normal(0.001, 0.03) }
        let cost = t % 3 == 0 ? 0.0002 * tilt : 0
        let split = SectorMonth(assetSectors: sectors, weights: r.weights, benchmarkWeights: r.benchmarkWeights, returns: returns)
        portfolio.append(split.portfolioContributions.reduce(0, +) - cost)
        benchmark.append(split.benchmarkContributions.reduce(0, +))
        costs.append(cost)
        sectorMonths.append(split)
    }
    return BacktestResult(name: name, months: months, portfolioReturns: portfolio, benchmarkReturns: benchmark,
                          costs: costs, riskFree: months.map { _ in 0.001 }, rebalances: rebalances, crises: CrisisWindow.builtIn,
                          factorReturns: FactorReturns(names: ["mkt", "smb", "hml"], values: factors), sectorMonths: sectorMonths)
}
