import Foundation
import Testing
@testable import TiltBacktest
import TiltData

/// Every metric of the four-month `handExample`, worked out by hand:
/// p = [0.10, −0.20, 0.05, 0.20], b = [0.05, −0.10, 0, 0.10], rf = 0.01, active a = [0.05, −0.10, 0.05, 0.10].
@Suite struct HandComputedMetricsTests {
    let metrics: PerformanceMetrics

    init() throws { metrics = try PerformanceMetrics(handExample()) }

    @Test func portfolioReturnsAndRisk() {
        // mean 0.15/4 = 0.0375; deviations 0.0625, −0.2375, 0.0125, 0.1625 → Σ² = 0.086875, /3 ×12 = 0.3475.
        #expect(close(metrics.portfolio.annualArithmeticReturn, 0.45))
        #expect(close(metrics.portfolio.annualVolatility, 0.3475.squareRoot()))
        // Sharpe: (0.0375 − 0.01) × 12 / √0.3475.
        #expect(close(metrics.portfolio.sharpeRatio, 0.33 / 0.3475.squareRoot()))
        // Wealth 1.1, 0.88, 0.924, 1.1088; four months → power 3.
        #expect(close(metrics.portfolio.annualGeometricReturn, pow(1.1088, 3) - 1))
    }

    @Test func portfolioDrawdown() throws {
        let drawdown = try #require(metrics.portfolio.maxDrawdown)
        #expect(close(drawdown.depth, 0.88 / 1.1 - 1))
        #expect(drawdown.peak == Month(2020, 1) && drawdown.trough == Month(2020, 2))
        #expect(drawdown.recovery == Month(2020, 4))            // 1.1088 ≥ 1.1
        #expect(drawdown.monthsToTrough == 1 && drawdown.monthsToRecover == 2 && drawdown.length == 3)
    }

    @Test func activeTrackingErrorAndInformationRatio() throws {
        // mean 0.025 → 0.3 a year; deviations 0.025, −0.125, 0.025, 0.075 → Σ² = 0.0225, /3 ×12 = 0.09.
        #expect(close(metrics.active.annualArithmeticReturn, 0.3))
        #expect(close(metrics.trackingError, 0.3))
        #expect(close(metrics.informationRatio, 1.0))
        #expect(close(metrics.active.sharpeRatio, 1.0))          // no risk-free rate for active returns
        let drawdown = try #require(metrics.active.maxDrawdown)   // active wealth 1.05, 0.945, 0.99225, 1.091475
        #expect(close(drawdown.depth, -0.1))
        #expect(drawdown.peak == Month(2020, 1) && drawdown.recovery == Month(2020, 4))
    }

    @Test func benchmark() throws {
        // mean 0.0125; deviations 0.0375, −0.1125, −0.0125, 0.0875 → Σ² = 0.021875, /3 ×12 = 0.0875.
        #expect(close(metrics.benchmark.annualArithmeticReturn, 0.15))
        #expect(close(metrics.benchmark.annualVolatility, 0.0875.squareRoot()))
        #expect(close(metrics.benchmark.sharpeRatio, 0.0025 * 12 / 0.0875.squareRoot()))
        let drawdown = try #require(metrics.benchmark.maxDrawdown)  // 1.05, 0.945, 0.945, 1.0395: never back
        #expect(close(drawdown.depth, -0.1) && drawdown.recovery == nil && drawdown.length == 3)
    }

    @Test func tradingAndConcentration() {
        // First rebalance (turnover 1.0, buying) left out: one rebalance of 0.4 over 4 months → 1.2 a year.
        #expect(close(metrics.trading.turnoverPerRebalance, 0.4))
        #expect(close(metrics.trading.annualTurnover, 1.2))
        #expect(close(metrics.annualCost, 0.003 / 4 * 12))
        #expect(close(metrics.trading.averageHoldings, 2.5))
        #expect(close(metrics.trading.averageEffectiveN, (2 + 1 / 0.44) / 2))
        let entropy2 = -(0.6 * log(0.6) + 2 * 0.2 * log(0.2))
        #expect(close(metrics.trading.averageEntropy, (log(2) + entropy2) / 2))
    }

    @Test func exAnteRisk() {
        let risk = metrics.risk
        #expect(risk.factorNames == ["mkt", "smb"])
        #expect(close(risk.averageExAnteTrackingError, (0.006.squareRoot() + 0.0096.squareRoot()) / 2))
        #expect(closeAll(risk.averageFactorContributions, [0.00025, 0.00015]))
        #expect(close(risk.averageSpecificContribution, 0.00025))
        // Shares: (0.6, 0.2, 0.2) then (0.25, 0.25, 0.5).
        #expect(closeAll(risk.factorShares[1], [0.25, 0.25]))
        #expect(closeAll(risk.averageFactorShares, [0.425, 0.225]))
        #expect(close(risk.averageSpecificShare, 0.35))
        #expect(closeAll(risk.factorShareDispersion, [0.35 / 2.squareRoot(), 0.05 / 2.squareRoot()]))
        #expect(close(risk.specificShareDispersion, 0.3 / 2.squareRoot()))
    }

    @Test func sharpeWithoutRiskFreeUsesZero() throws {
        var result = handExample()
        result.riskFree = nil
        let m = try PerformanceMetrics(result)
        #expect(close(m.portfolio.sharpeRatio, 0.45 / 0.3475.squareRoot()))
    }

    @Test func inconsistentSeriesAreAnError() {
        var result = handExample()
        result.benchmarkReturns.removeLast()
        #expect(throws: ResultInconsistency.self) { try PerformanceMetrics(result) }
        var unordered = handExample()
        unordered.months.swapAt(0, 1)
        #expect(throws: ResultInconsistency.self) { try PerformanceMetrics(unordered) }
        var badWeights = handExample()
        badWeights.rebalances[0].weights = [1]
        #expect(throws: ResultInconsistency.self) { try CrisisAnalysis(badWeights) }
    }

    @Test func emptyResultHasUndefinedStatistics() throws {
        let m = try PerformanceMetrics(BacktestResult(name: "empty", months: [], portfolioReturns: [], benchmarkReturns: [],
                                                      costs: [], riskFree: nil, rebalances: [], crises: []))
        #expect(m.portfolio.annualVolatility.isNaN && m.portfolio.maxDrawdown == nil && m.period == nil)
        #expect(m.trading.turnoverPerRebalance.isNaN && m.risk.averageExAnteTrackingError.isNaN)
    }
}

/// Wealth below zero (a long–short portfolio losing more than everything in a month) has no geometric
/// return and no drawdown depth, in the whole sample and in a crisis window: NaN, printed n/a, instead of
/// a finite number compounded from a negative wealth. Arithmetic statistics are unaffected.
@Test func statisticsOfWealthBelowZeroAreUndefined() throws {
    let returns = [0.1, -1.5, -1.2, 0.05]   // wealth 1.1, then −0.55 (a product would turn positive again)
    let start = Month(2020, 1)
    let stats = ReturnStatistics(returns: returns, riskFree: nil, months: months(from: start, count: 4))
    #expect(stats.annualGeometricReturn.isNaN && stats.maxDrawdownDepth.isNaN)
    #expect(stats.maxDrawdown?.trough == start + 1)
    #expect(close(stats.annualArithmeticReturn, -2.55 / 4 * 12))
    #expect(SeriesStatistics.compoundedReturn(returns).isNaN)
    let totalLoss = ReturnStatistics(returns: [0.1, -1, 0.2], riskFree: nil, months: months(from: start, count: 3))
    #expect(totalLoss.annualGeometricReturn == -1 && totalLoss.maxDrawdownDepth == -1)
    let result = BacktestResult(name: "ruin", months: months(from: start, count: 4), portfolioReturns: returns,
                                benchmarkReturns: [0.01, -0.02, 0.01, 0.01], costs: [0, 0, 0, 0], riskFree: nil,
                                rebalances: [], crises: [CrisisWindow(name: "c", from: start, to: start + 2)])
    let window = try #require(CrisisAnalysis(result).windows.first)
    #expect(window.portfolioReturn.isNaN && window.portfolioDrawdown.isNaN && window.annualisedActiveReturn.isNaN)
    #expect(close(window.benchmarkDrawdown, -0.02) && window.portfolioRecoveryMonths == nil)
}

/// A ratio over a negligible volatility (a portfolio held at its benchmark up to solver tolerance) is
/// undefined — printed n/a — rather than a large number made of noise.
@Test func ratiosOverNegligibleVolatilityAreUndefined() {
    let months = (0..<24).map { Month(2001, 1) + $0 }
    let noise = (0..<24).map { 1e-10 * Double($0 % 3) }
    #expect(ReturnStatistics(returns: noise, riskFree: nil, months: months).sharpeRatio.isNaN)
    let constant = [Double](repeating: 0.01, count: 24)
    #expect(ReturnStatistics(returns: constant, riskFree: nil, months: months).sharpeRatio.isNaN)
    let varying = (0..<24).map { 0.01 * Double($0 % 2) }
    let stats = ReturnStatistics(returns: varying, riskFree: nil, months: months)
    #expect(abs(stats.sharpeRatio - stats.annualArithmeticReturn / stats.annualVolatility) < 1e-15)
}
