import Foundation
import Testing
import TiltBacktest
import TiltData
import TiltModels
import TiltPortfolio

/// What the backtester records besides returns — each month's factor returns and sector split — and how
/// long it holds after the last rebalance, on the synthetic market.
@Suite struct BacktestRecordTests {
    let data: AlignedData

    init() throws {
        let market = try SyntheticMarket.generate(stocks: 30, seed: 11, from: Month(2000, 1), to: Month(2009, 12))
        data = try AlignedData(panel: market.panel, factors: market.factors)
    }

    /// `maximize mu'f s.t. tev <= 4%` (fully invested, long only), rebalanced at `months`.
    func run(_ months: [Month]) throws -> BacktestResult {
        let problem = PortfolioProblem(sense: .maximize, objective: [ObjectiveTerm(.expectedActiveReturn)],
                                       constraints: [PortfolioConstraint(.trackingErrorAtMost(limit: 0.04), text: "tev <= 4%")],
                                       defaults: [.fullyInvested, .longOnly])
        let spec = StrategySpecification(
            name: "test", data: data, benchmark: .marketCap, window: .expanding(from: Month(2000, 1)), rebalanceMonths: months,
            costPerTurnover: 0.001, allocation: .assets, crises: [], problem: problem)
        let result = try Backtester.run(spec)
        try result.validate()
        return result
    }

    /// A quarterly schedule's last weights are held for a quarter, as every other rebalance's (the last
    /// period stopped one month after the last rebalance); at the data's end the period is cut there.
    @Test func lastQuarterlyHoldingRunsToTheNextScheduledRebalance() throws {
        let quarterly = stride(from: Month(2004, 12).ordinal, through: Month(2008, 6).ordinal, by: 3).map(Month.init(ordinal:))
        let result = try run(quarterly)
        #expect(result.months.first == Month(2005, 1) && result.months.last == Month(2008, 9))
        #expect(result.months.count == 3 * quarterly.count)
        #expect(result.rebalanceInEffect.suffix(3).allSatisfy { $0 == quarterly.count - 1 })
        let atTheEnd = try run([Month(2009, 3), Month(2009, 6), Month(2009, 9), Month(2009, 11)])
        #expect(atTheEnd.months.last == Month(2009, 12))
        let monthly = try run((0..<6).map { Month(2008, 1) + $0 })
        #expect(monthly.months == (0..<6).map { Month(2008, 2) + $0 })
    }

    /// Each month's factor returns are the data's for that month; its sector split holds the weights at
    /// the month's start (after drift) and adds up to the month's gross portfolio and benchmark returns.
    @Test func factorReturnsAndSectorSplitFollowTheMonths() throws {
        let result = try run(stride(from: Month(2004, 12).ordinal, through: Month(2007, 12).ordinal, by: 3).map(Month.init(ordinal:)))
        let factors = try #require(result.factorReturns)
        #expect(factors.names == data.factors.factorNames)
        for (t, month) in result.months.enumerated() {
            let row = try #require(data.months.firstIndex(of: month))
            #expect(factors.values[t] == (0..<data.factors.returns.cols).map { data.factors.returns[row, $0] })
        }
        let sectors = try #require(result.sectorMonths)
        for (t, split) in sectors.enumerated() {
            #expect(abs(split.portfolioContributions.reduce(0, +) - (result.portfolioReturns[t] + result.costs[t])) < 1e-14)
            #expect(abs(split.benchmarkContributions.reduce(0, +) - result.benchmarkReturns[t]) < 1e-14)
            #expect(abs(split.portfolioWeights.reduce(0, +) - 1) < 1e-9 && abs(split.benchmarkWeights.reduce(0, +) - 1) < 1e-12)
        }
        // The first month of a holding period holds the rebalance's weights; later months, drifted ones.
        let first = result.rebalances[0]
        let active = first.activeSectorWeights
        for (sector, weight) in zip(active.sectors, active.weights) {
            let i = try #require(sectors[0].sectors.firstIndex(of: sector))
            #expect(abs(sectors[0].portfolioWeights[i] - sectors[0].benchmarkWeights[i] - weight) < 1e-12)
        }
        #expect(sectors[1].portfolioWeights != sectors[0].portfolioWeights)
        // Both attributions add up to each month's active return.
        for attribution in [FactorAttribution.make(result), BrinsonFachlerAttribution.make(result)] {
            let a = try #require(attribution)
            for t in result.months.indices {
                #expect(abs(a.contributions[t].reduce(0, +) - result.activeReturns[t]) < 1e-14)
            }
        }
    }
}
