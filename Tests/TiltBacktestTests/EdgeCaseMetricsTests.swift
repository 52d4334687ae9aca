import Foundation
import Testing
import TiltBacktest
import TiltData

/// The new metrics at their edges, worked by hand: entropy of long–short books, Carino's coefficient at
/// equal returns and below −100%, distribution statistics of short or flat series.
@Suite struct EdgeCaseMetricsTests {
    /// Entropy is that of |w|/Σ|w|: ln n for n equal positions, at most ln n on a long–short book (−Σ w log w
    /// over the positive weights gave 4.80 > ln 48 on one).
    @Test func entropyOfLongShortBooks() {
        #expect(close(PortfolioStatistics.entropy([0.25, 0.25, 0.25, 0.25]), log(4)))
        #expect(close(PortfolioStatistics.entropy([0.6, 0.2, 0.2, 0]), -(0.6 * log(0.6) + 0.4 * log(0.2))))
        // 150% long, 50% short: p = (0.75, 0.25).
        #expect(close(PortfolioStatistics.entropy([1.5, -0.5]), -(0.75 * log(0.75) + 0.25 * log(0.25))))
        let book = (0..<48).map { i in i % 2 == 0 ? 0.3 : -0.26 }
        #expect(PortfolioStatistics.entropy(book) <= log(48) + 1e-12)
        #expect(PortfolioStatistics.entropy([0, 0]).isNaN && PortfolioStatistics.entropy([]).isNaN)
    }

    @Test func carinoCoefficient() {
        #expect(close(ActiveAttribution.carinoCoefficient(portfolio: 0.1, benchmark: 0.1), 1 / 1.1))
        #expect(close(ActiveAttribution.carinoCoefficient(portfolio: 0.1, benchmark: 0.05), (log(1.1) - log(1.05)) / 0.05))
        // Close returns: no cancellation (the limit is 1/(1 + b) − d/(2(1 + b)²)).
        let d = 1e-13
        #expect(abs(ActiveAttribution.carinoCoefficient(portfolio: 0.05 + d, benchmark: 0.05) - (1 / 1.05 - d / (2 * 1.05 * 1.05))) < 1e-15)
        #expect(ActiveAttribution.carinoCoefficient(portfolio: -1.2, benchmark: 0.01).isNaN)
        #expect(ActiveAttribution.carinoCoefficient(portfolio: 0.01, benchmark: -1).isNaN)
    }

    /// Two months, worked by hand: p = (0.10, −0.05), b = (0.02, 0.01); a component carrying everything
    /// links to R_P − R_B = 1.1 · 0.95 − 1.02 · 1.01 = 0.0148.
    @Test func linkingTwoMonths() {
        let attribution = ActiveAttribution(method: .factor, components: [.init("alpha"), .init("specific")],
                                            months: [Month(2020, 1), Month(2020, 2)],
                                            contributions: [[0.05, 0.03], [-0.01, -0.05]],
                                            portfolioReturns: [0.10, -0.05], benchmarkReturns: [0.02, 0.01])
        let whole = (log(1.045) - log(1.0302)) / (1.045 - 1.0302)
        let k1 = (log(1.1) - log(1.02)) / 0.08, k2 = (log(0.95) - log(1.01)) / -0.06
        #expect(closeAll(attribution.total, [(0.05 * k1 - 0.01 * k2) / whole, (0.03 * k1 - 0.05 * k2) / whole]))
        #expect(close(attribution.total.reduce(0, +), 1.045 - 1.0302))
        #expect(closeAll(attribution.total(0..<1), [0.05, 0.03]))       // one month: linking changes nothing
        #expect(closeAll(attribution.annualMean, [0.24, -0.12]))
        #expect(attribution.indices(from: Month(2020, 2), to: Month(2021, 1)) == 1..<2)
        #expect(attribution.indices(from: Month(2021, 1), to: Month(2021, 3)).isEmpty)
    }

    @Test func distributionOfShortAndFlatSeries() {
        let months = (0..<5).map { Month(2020, 1) + $0 }
        // numpy: percentile([1, 2, 3, 4, 5], 5) = 1.2
        #expect(close(DistributionStatistics.percentile([5, 3, 1, 4, 2], 0.05), 1.2))
        let flat = DistributionStatistics(returns: [0.01, 0.01, 0.01, 0.01, 0.01], riskFree: nil, months: months)
        #expect(flat.skewness.isNaN && flat.excessKurtosis.isNaN && flat.sortinoRatio.isNaN && flat.calmarRatio.isNaN)
        #expect(flat.valueAtRisk == 0.01 && flat.conditionalValueAtRisk == 0.01 && flat.hitRate == 1)
        let three = DistributionStatistics(returns: [0.01, -0.02, 0.04], riskFree: nil, months: Array(months.prefix(3)))
        #expect(three.skewness.isFinite && three.excessKurtosis.isNaN)
        let none = DistributionStatistics(returns: [], riskFree: nil, months: [])
        #expect(none.valueAtRisk.isNaN && none.hitRate.isNaN && none.bestMonth.isNaN && none.sortinoRatio.isNaN)
    }
}
