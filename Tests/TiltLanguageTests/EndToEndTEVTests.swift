import Foundation
import Testing
import TiltBacktest
import TiltLanguage
import TiltSyntax
import TiltTestSupport

// End to end on ../shared/data (issue "Strategy backtests"): the 6% TEV strategy on the 48 industries
// with the OLS five-factor model, rebalanced monthly 1993-12…2024-11, run through the language and
// compared with an independent computation from the raw Ken French files
// (References/tev48_reference.py: numpy OLS by SVD, a hand-built cone program solved by Clarabel, then
// the exact KKT solution on its support by plain linear algebra).

/// The program under test, exactly as a user writes it.
private let tevProgram = """
universe kenfrench("48_Industry_Portfolios.CSV")
factors "F-F_Research_Data_5_Factors_2x3.csv"
benchmark mktcap
model ols(window: expanding, from: 1963-07)
maximize mu'f s.t. tev <= 6%
rebalance monthly from 1993-12 to 2024-11
"""

/// The reference written by References/tev48_reference.py.
private struct TEVReference: Decodable {
    struct Rebalance: Decodable {
        /// The rebalance month T, `YYYY-MM`.
        var month: String
        /// Eligible industries, in file order.
        var assets: [String]
        /// Optimal weights (12 significant digits).
        var weights: [Double]
        /// Σ|w − w_before|, w_before the previous weights drifted by the month's returns.
        var turnover: Double
        /// √12 ‖[Lᵀ B_f (w − b); √E ∘ (w − b)]‖ (annualised, decimal).
        var exAnteTrackingError: Double
    }

    /// `ReturnStatistics` of one series.
    struct Statistics: Decodable {
        var annualArithmeticReturn: Double
        var annualGeometricReturn: Double
        var annualVolatility: Double
        var sharpeRatio: Double
        var maxDrawdownDepth: Double
    }

    struct Summary: Decodable {
        var portfolio: Statistics
        var benchmark: Statistics
        var active: Statistics
        var trackingError: Double
        var informationRatio: Double
        var turnoverPerRebalance: Double
        var annualTurnover: Double
        var averageEffectiveN: Double
    }

    /// Months whose returns were earned (T+1), `YYYY-MM`.
    var months: [String]
    var portfolioReturns: [Double]
    var benchmarkReturns: [Double]
    var rebalances: [Rebalance]
    var summary: Summary
}

/// The program's backtest and the reference, loaded once for all the tests below (the backtest takes
/// ~30 s in a debug build).
private struct EndToEndRun: Sendable {
    var result: BacktestResult
    var metrics: PerformanceMetrics
    fileprivate var reference: TEVReference

    static let shared: Result<EndToEndRun, EndToEndFailure> = Result { try EndToEndRun() }
        .mapError { $0 as? EndToEndFailure ?? EndToEndFailure(message: String(describing: $0)) }

    private init() throws {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let referenceData = try Data(contentsOf: here.appendingPathComponent("References/tev48_reference.json"))
        reference = try JSONDecoder().decode(TEVReference.self, from: referenceData)
        let dataDirectory = SharedData.path("")

        final class Collected: @unchecked Sendable { var results: [BacktestResult] = [] }
        let collected = Collected()
        let session = Session(locations: DataLocations(dataDirectory: dataDirectory), output: { _ in })
        session.strategyResults = { collected.results += $0 }
        let file = SourceFile(name: "tev48.tilt", text: tevProgram)
        let diagnostics = session.run(file)
        guard diagnostics.isEmpty else {
            throw EndToEndFailure(message: DiagnosticList(file: file, diagnostics: diagnostics).rendered())
        }
        guard collected.results.count == 1, let result = collected.results.first else {
            throw EndToEndFailure(message: "expected one backtest, got \(collected.results.count)")
        }
        self.result = result
        metrics = try PerformanceMetrics(result)
    }
}

private struct EndToEndFailure: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension TEVReference: Sendable {}
extension TEVReference.Rebalance: Sendable {}
extension TEVReference.Statistics: Sendable {}
extension TEVReference.Summary: Sendable {}

/// The largest |a − b| over paired entries, with its position.
private func largestDifference(_ a: [Double], _ b: [Double]) -> (value: Double, index: Int) {
    zip(a, b).enumerated().reduce((0.0, -1)) { worst, pair in
        let d = abs(pair.element.0 - pair.element.1)
        return d > worst.0 || d.isNaN ? (d, pair.offset) : worst
    }
}


@Suite(.serialized, .enabled(if: SharedData.isAvailable, SharedData.missing)) struct EndToEndTEVTests {
    @Test func rebalanceMonthsAndEligibleSetsMatchTheReference() throws {
        let run = try EndToEndRun.shared.get()
        let reference = run.reference
        #expect(run.result.rebalances.map(\.month.description) == reference.rebalances.map(\.month))
        #expect(run.result.months.map(\.description) == reference.months)
        for (tilt, expected) in zip(run.result.rebalances, reference.rebalances) {
            #expect(tilt.assets == expected.assets, "eligible industries at \(expected.month)")
            #expect(tilt.status == "optimal", "solver status at \(expected.month): \(tilt.status)")
        }
        // The canonical problem goes to the structured active-set method (FactorPortfolioSolver).
        let methods = Set(run.result.rebalances.compactMap(\.method))
        #expect(methods == ["factor-portfolio active set"], "methods used: \(methods)")
        // The 6% budget binds every month (the objective is linear), in Tilt's own ex-ante figures too.
        let budget = run.result.rebalances.map(\.exAnteTrackingError)
        let worst = largestDifference(budget, reference.rebalances.map(\.exAnteTrackingError))
        #expect(worst.value <= 1e-6 * 0.06, "ex-ante tracking error off by \(worst.value) at \(reference.rebalances[max(0, worst.index)].month)")
    }

    @Test func weightsMatchTheReferenceTo1e6() throws {
        let run = try EndToEndRun.shared.get()
        var worst = (value: 0.0, month: "")
        var monthsOver: [String] = []
        for (tilt, expected) in zip(run.result.rebalances, run.reference.rebalances) {
            let d = largestDifference(tilt.weights, expected.weights).value
            if d > worst.value { worst = (d, expected.month) }
            if d > 1e-6 { monthsOver.append(expected.month) }
        }
        #expect(worst.value <= 1e-6, "max |Δw| = \(worst.value) at \(worst.month); \(monthsOver.count) of \(run.reference.rebalances.count) months over 1e-6: \(monthsOver.prefix(12).joined(separator: ", "))")
    }

    @Test func monthlyReturnsMatchTheReferenceTo1e9() throws {
        let run = try EndToEndRun.shared.get()
        #expect(run.result.portfolioReturns.count == run.reference.portfolioReturns.count)
        let benchmark = largestDifference(run.result.benchmarkReturns, run.reference.benchmarkReturns)
        #expect(benchmark.value <= 1e-9, "benchmark return off by \(benchmark.value) in \(run.reference.months[max(0, benchmark.index)])")
        let portfolio = largestDifference(run.result.portfolioReturns, run.reference.portfolioReturns)
        #expect(portfolio.value <= 1e-9, "portfolio return off by \(portfolio.value) in \(run.reference.months[max(0, portfolio.index)])")
    }

    @Test func summaryStatisticsMatchTheReferenceTo1e6Relative() throws {
        let run = try EndToEndRun.shared.get()
        let m = run.metrics, s = run.reference.summary
        func series(_ name: String, _ t: ReturnStatistics, _ r: TEVReference.Statistics) -> [(String, Double, Double)] {
            [("\(name) arithmetic return", t.annualArithmeticReturn, r.annualArithmeticReturn),
             ("\(name) geometric return", t.annualGeometricReturn, r.annualGeometricReturn),
             ("\(name) volatility", t.annualVolatility, r.annualVolatility),
             ("\(name) Sharpe ratio", t.sharpeRatio, r.sharpeRatio),
             ("\(name) max drawdown", t.maxDrawdownDepth, r.maxDrawdownDepth)]
        }
        func expectClose(_ statistics: [(String, Double, Double)]) {
            for (name, tilt, expected) in statistics {
                let relative = abs(tilt - expected) / abs(expected)
                #expect(relative <= 1e-6, "\(name): Tilt \(tilt), reference \(expected), relative difference \(relative)")
            }
        }
        // The benchmark does not depend on the solver.
        expectClose(series("benchmark", m.benchmark, s.benchmark))
        expectClose(series("portfolio", m.portfolio, s.portfolio) + series("active", m.active, s.active) + [
            ("tracking error", m.trackingError, s.trackingError),
            ("information ratio", m.informationRatio, s.informationRatio),
            ("turnover per rebalance", m.trading.turnoverPerRebalance, s.turnoverPerRebalance),
            ("annual turnover", m.trading.annualTurnover, s.annualTurnover),
            ("average effective N", m.trading.averageEffectiveN, s.averageEffectiveN),
        ])
    }
}
