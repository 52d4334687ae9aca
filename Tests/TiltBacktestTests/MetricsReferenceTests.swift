import Foundation
import Testing
import TiltBacktest
import TiltData

/// Metrics of a seeded 20-year backtest against numpy (References/make_metrics_reference.py).
@Suite struct MetricsReferenceTests {
    struct Reference: Decodable {
        struct Rebalance: Decodable {
            var month: String, weights: [Double], benchmarkWeights: [Double], turnover: Double
            var activeExposures: [Double], factorRiskContributions: [Double]
            var specificRiskContribution: Double, exAnteActiveVariance: Double
        }
        struct Crisis: Decodable { var name: String, from: String, to: String }
        struct Inputs: Decodable {
            var months: [String], portfolioReturns: [Double], benchmarkReturns: [Double], costs: [Double]
            var riskFree: [Double], assets: [String], sectors: [String], factorNames: [String]
            var rebalances: [Rebalance], crises: [Crisis]
        }
        struct Statistics: Decodable {
            var annualArithmeticReturn: Double, annualGeometricReturn: Double, annualVolatility: Double
            var sharpeRatio: Double, maxDrawdown: Double, peak: String, trough: String, recovery: String?, length: Int
        }
        struct Risk: Decodable {
            var averageExAnteTrackingError: Double, averageFactorContributions: [Double]
            var averageSpecificContribution: Double, averageFactorShares: [Double], averageSpecificShare: Double
            var factorShareDispersion: [Double?], specificShareDispersion: Double?
        }
        struct Metrics: Decodable {
            var portfolio: Statistics, benchmark: Statistics, active: Statistics
            var trackingError: Double, informationRatio: Double, annualCost: Double
            var turnoverPerRebalance: Double, annualTurnover: Double
            var averageHoldings: Double, averageEffectiveN: Double, averageEntropy: Double, risk: Risk
        }
        struct CrisisResult: Decodable {
            var name: String, from: String, to: String, months: Int
            var portfolioReturn: Double, benchmarkReturn: Double, activeReturn: Double, annualisedActiveReturn: Double
            var portfolioDrawdown: Double, benchmarkDrawdown: Double
            var portfolioRecoveryMonths: Int?, benchmarkRecoveryMonths: Int?
            var averageActiveExposures: [Double], averageActiveSectorWeights: [Double], risk: Risk
        }
        var inputs: Inputs, metrics: Metrics, crises: [CrisisResult]
    }

    let reference: Reference
    let result: BacktestResult

    init() throws {
        reference = try TiltBacktestTests.reference("metrics_reference.json", as: Reference.self)
        let inputs = reference.inputs
        result = BacktestResult(
            name: "reference", months: try inputs.months.map(month), portfolioReturns: inputs.portfolioReturns,
            benchmarkReturns: inputs.benchmarkReturns, costs: inputs.costs, riskFree: inputs.riskFree,
            rebalances: try inputs.rebalances.map { r in
                BacktestResult.Rebalance(
                    month: try month(r.month), assets: inputs.assets, weights: r.weights, benchmarkWeights: r.benchmarkWeights,
                    sectors: inputs.sectors, turnover: r.turnover, factorNames: inputs.factorNames,
                    activeExposures: r.activeExposures, factorRiskContributions: r.factorRiskContributions,
                    specificRiskContribution: r.specificRiskContribution, exAnteActiveVariance: r.exAnteActiveVariance,
                    status: "optimal")
            },
            crises: try inputs.crises.map { CrisisWindow(name: $0.name, from: try month($0.from), to: try month($0.to)) })
    }

    func check(_ s: ReturnStatistics, _ e: Reference.Statistics) throws {
        #expect(close(s.annualArithmeticReturn, e.annualArithmeticReturn, 1e-10))
        #expect(close(s.annualGeometricReturn, e.annualGeometricReturn, 1e-10))
        #expect(close(s.annualVolatility, e.annualVolatility, 1e-10))
        #expect(close(s.sharpeRatio, e.sharpeRatio, 1e-10))
        let d = try #require(s.maxDrawdown)
        #expect(close(d.depth, e.maxDrawdown, 1e-10))
        #expect(d.peak.description == e.peak && d.trough.description == e.trough)
        #expect(d.recovery?.description == e.recovery && d.length == e.length)
    }

    func check(_ r: RiskContributionHistory, _ e: Reference.Risk) {
        #expect(close(r.averageExAnteTrackingError, e.averageExAnteTrackingError, 1e-10))
        #expect(closeAll(r.averageFactorContributions, e.averageFactorContributions, 1e-10))
        #expect(close(r.averageSpecificContribution, e.averageSpecificContribution, 1e-10))
        #expect(closeAll(r.averageFactorShares, e.averageFactorShares, 1e-10))
        #expect(close(r.averageSpecificShare, e.averageSpecificShare, 1e-10))
        #expect(closeAll(r.factorShareDispersion, e.factorShareDispersion.map { $0 ?? .nan }, 1e-10)
                || (e.specificShareDispersion == nil && r.factorShareDispersion.allSatisfy(\.isNaN)))
        #expect(e.specificShareDispersion.map { close(r.specificShareDispersion, $0, 1e-10) } ?? r.specificShareDispersion.isNaN)
    }

    @Test func performanceMetrics() throws {
        let m = try PerformanceMetrics(result)
        let e = reference.metrics
        try check(m.portfolio, e.portfolio)
        try check(m.benchmark, e.benchmark)
        try check(m.active, e.active)
        #expect(close(m.trackingError, e.trackingError, 1e-10) && close(m.informationRatio, e.informationRatio, 1e-10))
        #expect(close(m.annualCost, e.annualCost, 1e-10))
        #expect(close(m.trading.turnoverPerRebalance, e.turnoverPerRebalance, 1e-10))
        #expect(close(m.trading.annualTurnover, e.annualTurnover, 1e-10))
        #expect(close(m.trading.averageHoldings, e.averageHoldings, 1e-10))
        #expect(close(m.trading.averageEffectiveN, e.averageEffectiveN, 1e-10))
        #expect(close(m.trading.averageEntropy, e.averageEntropy, 1e-10))
        check(m.risk, e.risk)
    }

    @Test func crisisAnalysis() throws {
        let windows = try CrisisAnalysis(result).windows
        #expect(windows.map(\.crisis.name) == reference.crises.map(\.name))
        for (w, e) in zip(windows, reference.crises) {
            #expect(w.from.description == e.from && w.to.description == e.to && w.months == e.months)
            #expect(close(w.portfolioReturn, e.portfolioReturn, 1e-10) && close(w.benchmarkReturn, e.benchmarkReturn, 1e-10))
            #expect(close(w.activeReturn, e.activeReturn, 1e-10))
            #expect(close(w.annualisedActiveReturn, e.annualisedActiveReturn, 1e-10))
            #expect(close(w.portfolioDrawdown, e.portfolioDrawdown, 1e-10))
            #expect(close(w.benchmarkDrawdown, e.benchmarkDrawdown, 1e-10))
            #expect(w.portfolioRecoveryMonths == e.portfolioRecoveryMonths)
            #expect(w.benchmarkRecoveryMonths == e.benchmarkRecoveryMonths)
            #expect(closeAll(w.averageActiveExposures, e.averageActiveExposures, 1e-10))
            #expect(closeAll(w.averageActiveSectorWeights, e.averageActiveSectorWeights, 1e-10))
            check(w.risk, e.risk)
        }
    }
}
