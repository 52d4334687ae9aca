import Foundation
import TiltBacktest
import TiltData

/// The charts of a report, built from backtest results.
enum ReportCharts {
    /// Growth of 1 on a log scale: portfolio and benchmark of one result, or one line per result plus
    /// the first result's benchmark; crisis windows shaded. Each line starts at 1 at the first rebalance.
    static func growth(_ results: [BacktestResult]) -> SVGChart {
        func line(_ name: String, _ result: BacktestResult, _ returns: [Double], dashed: Bool = false) -> ChartSeries {
            let start = result.months.first.map { [$0 - 1] } ?? []
            return ChartSeries(name: name, months: start + result.months,
                               values: [0] + SeriesStatistics.cumulativeWealth(returns).map { log($0) }, dashed: dashed)
        }
        return SVGChart(title: "Growth of 1 (log scale)", style: .lines, valueAxis: .logWealth,
                        series: perResult(results, line), bands: crisisBands(results))
    }

    /// Drawdown from the running peak of cumulative wealth, per line as in `growth`.
    static func drawdowns(_ results: [BacktestResult]) -> SVGChart {
        func line(_ name: String, _ result: BacktestResult, _ returns: [Double], dashed: Bool = false) -> ChartSeries {
            let start = result.months.first.map { [$0 - 1] } ?? []
            return ChartSeries(name: name, months: start + result.months, values: [0] + Drawdown.series(returns: returns),
                               dashed: dashed)
        }
        return SVGChart(title: "Drawdown", style: .lines, valueAxis: .percent, series: perResult(results, line),
                        bands: crisisBands(results))
    }

    /// Portfolio weight per sector at each rebalance, stacked; `nil` when no rebalance knows sectors.
    static func sectorWeights(_ result: BacktestResult) -> SVGChart? {
        let rebalances = result.rebalances.filter { $0.sectors != nil }
        let sectors = orderedUnion(rebalances.map { $0.sectors ?? [] })
        guard !sectors.isEmpty else { return nil }
        let index = Dictionary(uniqueKeysWithValues: sectors.enumerated().map { ($1, $0) })
        let totals = rebalances.map { r in
            var row = [Double](repeating: 0, count: sectors.count)
            for (sector, w) in zip(r.sectors ?? [], r.weights) { if let k = index[sector] { row[k] += w } }
            return row
        }
        let months = rebalances.map(\.month)
        return SVGChart(title: "Sector weights: \(result.name)", style: .stackedAreas, valueAxis: .percent,
                        series: sectors.indices.map { k in ChartSeries(name: sectors[k], months: months, values: totals.map { $0[k] }) })
    }

    /// Ex-ante tracking error split into factor and specific contributions (annualised, stacked to the
    /// tracking error: each part is √12 · contribution / monthly active volatility).
    static func riskContributions(_ result: BacktestResult) -> SVGChart? {
        let history = RiskContributionHistory(rebalances: result.rebalances)
        guard !history.months.isEmpty else { return nil }
        let scale = history.exAnteVariances.map { v in v > 0 ? SeriesStatistics.monthsPerYear.squareRoot() / v.squareRoot() : 0 }
        var series = history.factorNames.indices.map { k in
            ChartSeries(name: history.factorNames[k], months: history.months,
                        values: zip(history.factorContributions, scale).map { $0[k] * $1 })
        }
        series.append(ChartSeries(name: "specific", months: history.months,
                                  values: zip(history.specificContributions, scale).map { $0 * $1 }))
        return SVGChart(title: "Ex-ante tracking error by source: \(result.name)", style: .stackedAreas,
                        valueAxis: .percent, series: series)
    }

    /// The regime model's forecast probability of each regime at each rebalance (the weights its moments
    /// were mixed with), stacked to 1, crisis windows shaded; `nil` for a result without a regime model.
    static func regimeProbabilities(_ result: BacktestResult) -> SVGChart? {
        let rebalances = result.rebalances.filter { $0.regimeProbabilities != nil }
        guard let states = rebalances.first?.regimeProbabilities?.count, states > 0,
              rebalances.allSatisfy({ $0.regimeProbabilities?.count == states }) else { return nil }
        let months = rebalances.map(\.month)
        let series = (0..<states).map { s in
            ChartSeries(name: "regime \(s + 1)", months: months, values: rebalances.map { $0.regimeProbabilities?[s] ?? 0 })
        }
        return SVGChart(title: "Regime probabilities (forecast for the month after each rebalance): \(result.name)",
                        style: .stackedAreas, valueAxis: .percent, series: series, bands: crisisBands([result]))
    }

    /// Diversification through time: the effective number of holdings 1/Σw² at each rebalance, one line
    /// per result, crisis windows shaded.
    static func diversification(_ results: [BacktestResult]) -> SVGChart {
        let series = results.map { r in
            ChartSeries(name: results.count == 1 ? "portfolio" : r.name, months: r.rebalances.map(\.month),
                        values: r.rebalances.map { PortfolioStatistics.effectiveN($0.weights) })
        }
        return SVGChart(title: "Effective number of holdings (1/Σw²)", style: .lines, valueAxis: .number,
                        series: series, bands: crisisBands(results))
    }

    /// Portfolio and dashed benchmark for one result; for several, one line per result's portfolio and
    /// the first result's benchmark.
    private static func perResult(_ results: [BacktestResult],
                                  _ line: (String, BacktestResult, [Double], Bool) -> ChartSeries) -> [ChartSeries] {
        guard let first = results.first else { return [] }
        if results.count == 1 {
            return [line("portfolio", first, first.portfolioReturns, false), line("benchmark", first, first.benchmarkReturns, true)]
        }
        return results.map { line($0.name, $0, $0.portfolioReturns, false) }
            + [line("benchmark (\(first.name))", first, first.benchmarkReturns, true)]
    }

    /// The crisis windows of all results, each once.
    private static func crisisBands(_ results: [BacktestResult]) -> [ChartBand] {
        var seen: [CrisisWindow] = []
        for r in results { seen += r.crises.filter { !seen.contains($0) } }
        return seen.map { ChartBand(name: $0.name, from: $0.from, to: $0.to) }
    }
}
