import Foundation
import Testing
import TiltBacktest
import TiltData

/// The tear sheet, rolling statistics, calendar heatmap and both attributions of a seeded ten-year
/// quarterly backtest against numpy, pandas and scipy (References/make_tearsheet_reference.py).
@Suite struct TearSheetReferenceTests {
    struct Reference: Decodable {
        struct Rebalance: Decodable {
            var month: String, weights: [Double], benchmarkWeights: [Double], turnover: Double, activeExposures: [Double]
        }
        struct Crisis: Decodable { var name: String, from: String, to: String }
        struct Inputs: Decodable {
            var months: [String], portfolioReturns: [Double], benchmarkReturns: [Double], costs: [Double]
            var riskFree: [Double], assets: [String], sectors: [String], factorNames: [String]
            var factorReturns: [[Double]], assetReturns: [[Double]], startWeights: [[Double]], startBenchmarkWeights: [[Double]]
            var rebalances: [Rebalance], crises: [Crisis]
        }
        struct TearSheet: Decodable {
            var sortino: Double, calmar: Double, valueAtRisk: Double, conditionalValueAtRisk: Double
            var skewness: Double, excessKurtosis: Double, hitRate: Double, best: Double, worst: Double
        }
        struct Rolling: Decodable { var months: [String], trackingError: [Double], informationRatio: [Double], beta: [Double] }
        struct Calendar: Decodable { var years: [Int], active: [[Double?]], yearly: [Double] }
        struct Attribution: Decodable {
            var components: [String], contributions: [[Double]], total: [Double], annualMean: [Double], cumulativeLast: [Double]
            var windows: [[Double]], years: [String: [Double]], compoundedActive: Double
        }
        var inputs: Inputs
        var tearSheet: [String: TearSheet]
        var rolling: Rolling
        var calendar: Calendar
        var factorAttribution: Attribution
        var brinsonFachler: Attribution
    }

    let reference: Reference
    let result: BacktestResult

    init() throws {
        reference = try TiltBacktestTests.reference("tearsheet_reference.json", as: Reference.self)
        let inputs = reference.inputs
        let factorNames = ["alpha"] + inputs.factorNames
        result = BacktestResult(
            name: "reference", months: try inputs.months.map(month), portfolioReturns: inputs.portfolioReturns,
            benchmarkReturns: inputs.benchmarkReturns, costs: inputs.costs, riskFree: inputs.riskFree,
            rebalances: try inputs.rebalances.map { r in
                BacktestResult.Rebalance(
                    month: try month(r.month), assets: inputs.assets, weights: r.weights, benchmarkWeights: r.benchmarkWeights,
                    sectors: inputs.sectors, turnover: r.turnover, factorNames: factorNames, activeExposures: r.activeExposures,
                    factorRiskContributions: [0, 0, 0], specificRiskContribution: 0, exAnteActiveVariance: 0, status: "optimal")
            },
            crises: try inputs.crises.map { CrisisWindow(name: $0.name, from: try month($0.from), to: try month($0.to)) },
            factorReturns: FactorReturns(names: inputs.factorNames, values: inputs.factorReturns),
            sectorMonths: inputs.months.indices.map { t in
                SectorMonth(assetSectors: inputs.sectors, weights: inputs.startWeights[t],
                            benchmarkWeights: inputs.startBenchmarkWeights[t], returns: inputs.assetReturns[t])
            })
        try result.validate()
    }

    @Test func tearSheetStatistics() throws {
        let series: [(String, [Double], [Double]?)] = [
            ("portfolio", result.portfolioReturns, result.riskFree), ("benchmark", result.benchmarkReturns, result.riskFree),
            ("active", result.activeReturns, nil),
        ]
        for (name, returns, rf) in series {
            let s = DistributionStatistics(returns: returns, riskFree: rf, months: result.months)
            let e = try #require(reference.tearSheet[name])
            #expect(close(s.sortinoRatio, e.sortino, 1e-10), "\(name) Sortino")
            #expect(close(s.calmarRatio, e.calmar, 1e-10), "\(name) Calmar")
            #expect(close(s.valueAtRisk, e.valueAtRisk, 1e-12), "\(name) VaR")
            #expect(close(s.conditionalValueAtRisk, e.conditionalValueAtRisk, 1e-12), "\(name) CVaR")
            #expect(close(s.skewness, e.skewness, 1e-10), "\(name) skewness")
            #expect(close(s.excessKurtosis, e.excessKurtosis, 1e-10), "\(name) kurtosis")
            #expect(s.hitRate == e.hitRate && s.bestMonth == e.best && s.worstMonth == e.worst, "\(name)")
        }
    }

    @Test func rollingStatistics() {
        let r = RollingStatistics(result)
        #expect(r.months.map(\.description) == reference.rolling.months)
        #expect(closeAll(r.trackingError, reference.rolling.trackingError, 1e-10))
        #expect(closeAll(r.informationRatio, reference.rolling.informationRatio, 1e-9))
        #expect(closeAll(r.beta, reference.rolling.beta, 1e-10))
    }

    @Test func calendarHeatmap() {
        let c = CalendarReturns(result)
        #expect(c.years == reference.calendar.years)
        for (row, expected) in zip(c.active, reference.calendar.active) {
            #expect(zip(row, expected).allSatisfy { value, e in e.map { close(value, $0, 1e-14) } ?? value.isNaN })
        }
        #expect(closeAll(c.yearlyActive, reference.calendar.yearly, 1e-12))
    }

    func check(_ attribution: ActiveAttribution?, _ e: Reference.Attribution) throws {
        let a = try #require(attribution)
        #expect(a.components.map(\.label) == e.components)
        for (row, expected) in zip(a.contributions, e.contributions) { #expect(closeAll(row, expected, 1e-12)) }
        #expect(closeAll(a.total, e.total, 1e-10))
        #expect(closeAll(a.annualMean, e.annualMean, 1e-12))
        #expect(close(a.annualMean.reduce(0, +), SeriesStatistics.mean(result.activeReturns) * 12, 1e-12))
        #expect(closeAll(a.cumulative.last ?? [], e.cumulativeLast, 1e-10))
        // Linked totals add up to the compounded active return, R_P − R_B.
        #expect(close(a.total.reduce(0, +), e.compoundedActive, 1e-12))
        for (crisis, expected) in zip(result.crises, e.windows) {
            #expect(closeAll(a.total(a.indices(from: crisis.from, to: crisis.to)), expected, 1e-10), "\(crisis.name)")
        }
        for (year, expected) in e.years {
            let y = try #require(Int(year))
            #expect(closeAll(a.total(a.indices(from: Month(y, 1), to: Month(y, 12))), expected, 1e-10), "\(year)")
        }
    }

    @Test func factorAttribution() throws { try check(FactorAttribution.make(result), reference.factorAttribution) }

    @Test func brinsonFachlerAttribution() throws { try check(BrinsonFachlerAttribution.make(result), reference.brinsonFachler) }
}
