import Foundation
import Testing
import TiltBacktest
import TiltData
@testable import TiltReport
import TiltTestSupport

/// Wealth beyond what a Double holds: −99% a month for 200 months (ln W ≈ −921, W underflows to 0 after
/// about 154 months) and +5,000% for 200 months (W overflows past 1e308 after about 181). Before, the
/// log-wealth axis converted log10(0) = −∞ (or +∞) to an integer and `tilt run --out` died with SIGILL.
@Suite struct ExtremeWealthTests {
    func result(monthlyReturn: Double, months count: Int = 200) -> BacktestResult {
        let start = Month(2000, 1)
        let months = (0..<count).map { start + $0 }
        let rebalance = BacktestResult.Rebalance(
            month: start - 1, assets: ["A", "B"], weights: [0.5, 0.5], benchmarkWeights: [0.5, 0.5], sectors: nil,
            turnover: 1, factorNames: ["mkt"], activeExposures: [0], factorRiskContributions: [0],
            specificRiskContribution: 0, exAnteActiveVariance: 0, status: "optimal")
        return BacktestResult(name: "extreme", months: months, portfolioReturns: months.map { _ in monthlyReturn },
                              benchmarkReturns: months.map { _ in 0.001 }, costs: months.map { _ in 0 },
                              riskFree: months.map { _ in 0 }, rebalances: [rebalance], crises: [])
    }

    @Test(arguments: [-0.99, 50.0])
    func aReportIsWrittenWhenWealthLeavesTheDoubleRange(monthlyReturn: Double) throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try ReportWriter.write(results: [result(monthlyReturn: monthlyReturn)], to: folder, title: "extreme")
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("Growth of 1 (log scale)"))
    }

    /// The axis is clipped to 10^-307…10^308, and a range of more than eight decades has nine ticks or
    /// fewer; every tick's value is the log of its label, and inside the range asked for.
    @Test(arguments: [(-1000.0, 0.0), (0.0, 1000.0), (-1e6, 1e6), (-745.2, -700.0), (700.0, 709.9), (-0.1, 250.0)])
    func logWealthTicksStayInsideTheAxis(low: Double, high: Double) {
        let ticks = ChartAxis.logWealthTicks(low...high)
        if (high - low) / M_LN10 > 10 { #expect(ticks.count <= 9) }
        for tick in ticks {
            #expect(tick.value >= low && tick.value <= high, "\(tick.label) at \(tick.value)")
            #expect(tick.value.isFinite)
            if let wealth = Double(tick.label) { #expect(abs(log(wealth) - tick.value) < 1e-9) }
        }
        if high - low > 20 { #expect(ticks.count >= 3, "\(low)…\(high): \(ticks.map(\.label))") }
    }
}
