import Foundation
import Testing
import TiltBacktest
import TiltData

/// |actual − expected| ≤ tolerance · max(1, |expected|).
func close(_ actual: Double, _ expected: Double, _ tolerance: Double = 1e-12) -> Bool {
    abs(actual - expected) <= tolerance * max(1, abs(expected))
}

func closeAll(_ actual: [Double], _ expected: [Double], _ tolerance: Double = 1e-12) -> Bool {
    actual.count == expected.count && zip(actual, expected).allSatisfy { close($0, $1, tolerance) }
}

/// Consecutive months starting at `first`.
func months(from first: Month, count: Int) -> [Month] { (0..<count).map { first + $0 } }

/// A rebalance over assets X, Y, Z (sectors S1, S1, S2) against equal benchmark weights, with factors
/// alpha, mkt, smb.
func rebalance(_ month: Month, weights: [Double], turnover: Double, exposures: [Double],
               contributions: [Double], specific: Double) -> BacktestResult.Rebalance {
    BacktestResult.Rebalance(
        month: month, assets: ["X", "Y", "Z"], weights: weights, benchmarkWeights: [1.0 / 3, 1.0 / 3, 1.0 / 3],
        sectors: ["S1", "S1", "S2"], turnover: turnover, factorNames: ["alpha", "mkt", "smb"],
        activeExposures: exposures, factorRiskContributions: contributions, specificRiskContribution: specific,
        exAnteActiveVariance: contributions.reduce(specific, +), status: "optimal")
}

/// The four-month example worked by hand in `HandComputedMetricsTests`.
func handExample(crises: [CrisisWindow] = []) -> BacktestResult {
    BacktestResult(
        name: "hand", months: months(from: Month(2020, 1), count: 4),
        portfolioReturns: [0.10, -0.20, 0.05, 0.20], benchmarkReturns: [0.05, -0.10, 0.00, 0.10],
        costs: [0.001, 0.0, 0.002, 0.0], riskFree: [0.01, 0.01, 0.01, 0.01],
        rebalances: [
            rebalance(Month(2019, 12), weights: [0.5, 0.5, 0], turnover: 1.0, exposures: [0, 0.1, -0.2],
                      contributions: [0.0003, 0.0001], specific: 0.0001),
            rebalance(Month(2020, 2), weights: [0.6, 0.2, 0.2], turnover: 0.4, exposures: [0, 0.3, 0.0],
                      contributions: [0.0002, 0.0002], specific: 0.0004),
        ],
        crises: crises)
}

/// Decodes the reference file `name` of References/ beside the tests (values an independent script computed).
func reference<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("References/\(name)")
    return try JSONDecoder().decode(type, from: Data(contentsOf: url))
}

/// The month a reference file writes as `YYYY-MM`.
func month(_ text: String) throws -> Month { try #require(Month(parsing: text)) }

