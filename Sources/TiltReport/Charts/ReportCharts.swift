import Foundation
import TiltBacktest
import TiltData

/// The charts of a report, built from backtest results: for one result at a time (what a portfolio
/// manager reads first: active return, its drawdowns, rolling risk, exposures, attribution), and for a
/// sweep as a family (its frontier).
enum ReportCharts {
    // MARK: One result

    /// Cumulative active return Π(1 + r_p − r_b) − 1 from the first rebalance: the active wealth whose
    /// drawdown the underwater chart draws and whose statistics the key figures' active column gives;
    /// crises shaded.
    static func cumulativeActiveReturn(_ result: BacktestResult) -> SVGChart {
        SVGChart(title: "Cumulative active return, Π(1 + r_p − r_b) − 1", style: .lines, valueAxis: .percent,
                 series: [startingAtZero("active", result, SeriesStatistics.cumulativeWealth(result.activeReturns).map { $0 - 1 })],
                 bands: crisisBands(result))
    }

    /// Underwater chart of active return: the drawdown of Π(1 + r_p − r_b) from its running peak.
    static func activeUnderwater(_ result: BacktestResult) -> SVGChart {
        SVGChart(title: "Active drawdown (underwater)", style: .lines, valueAxis: .percent,
                 series: [startingAtZero("active", result, Drawdown.series(returns: result.activeReturns))],
                 bands: crisisBands(result))
    }

    /// Growth of 1 on a log scale, portfolio and dashed benchmark, crises shaded.
    static func growth(_ result: BacktestResult) -> SVGChart {
        func line(_ name: String, _ returns: [Double], dashed: Bool) -> ChartSeries {
            var s = startingAtZero(name, result, SeriesStatistics.cumulativeWealth(returns).map { log($0) })
            s.dashed = dashed
            return s
        }
        return SVGChart(title: "Growth of 1 (log scale)", style: .lines, valueAxis: .logWealth,
                        series: [line("portfolio", result.portfolioReturns, dashed: false),
                                 line("benchmark", result.benchmarkReturns, dashed: true)],
                        bands: crisisBands(result))
    }

    /// Drawdown from the running peak of wealth, portfolio and dashed benchmark.
    static func drawdowns(_ result: BacktestResult) -> SVGChart {
        var benchmark = startingAtZero("benchmark", result, Drawdown.series(returns: result.benchmarkReturns))
        benchmark.dashed = true
        return SVGChart(title: "Drawdown", style: .lines, valueAxis: .percent,
                        series: [startingAtZero("portfolio", result, Drawdown.series(returns: result.portfolioReturns)), benchmark],
                        bands: crisisBands(result))
    }

    /// Rolling tracking error (realised over 36 months, with the ex-ante tracking error of the rebalance
    /// in effect), information ratio and beta to the benchmark; empty when the result is shorter than the
    /// window.
    static func rolling(_ result: BacktestResult) -> [SVGChart] {
        let r = RollingStatistics(result)
        guard !r.months.isEmpty else { return [] }
        let window = "\(r.window)-month"
        var teSeries = [ChartSeries(name: "realised", months: r.months, values: r.trackingError)]
        let exAnte = result.rebalances.filter { $0.exAnteActiveVariance.isFinite }
        if !exAnte.isEmpty {
            teSeries.append(ChartSeries(name: "ex-ante", months: exAnte.map(\.month), values: exAnte.map(\.exAnteTrackingError), dashed: true))
        }
        return [
            SVGChart(title: "Rolling \(window) tracking error", style: .lines, valueAxis: .percent, series: teSeries,
                     bands: crisisBands(result), width: 380, plotHeight: 150),
            SVGChart(title: "Rolling \(window) information ratio", style: .lines, valueAxis: .number,
                     series: [ChartSeries(name: "IR", months: r.months, values: r.informationRatio)],
                     bands: crisisBands(result), width: 380, plotHeight: 150),
            SVGChart(title: "Rolling \(window) beta to the benchmark", style: .lines, valueAxis: .number,
                     series: [ChartSeries(name: "beta", months: r.months, values: r.beta)],
                     bands: crisisBands(result), width: 380, plotHeight: 150),
        ]
    }

    /// The active factor exposures f = B(w − b) decided at each rebalance, one line per factor (the
    /// intercept, a return rather than a loading, is in the tables); `nil` without exposures.
    static func exposures(_ result: BacktestResult) -> SVGChart? {
        let names = orderedUnion(result.rebalances.map { $0.factorNames.filter { $0 != FactorAttribution.interceptName } })
        guard !names.isEmpty else { return nil }
        let months = result.rebalances.map(\.month)
        let series = names.map { name in
            ChartSeries(name: name, months: months, values: result.rebalances.map { r in
                r.factorNames.firstIndex(of: name).map { r.activeExposures[$0] } ?? .nan
            })
        }
        return SVGChart(title: "Active exposures at each rebalance", style: .lines, valueAxis: .number, series: series,
                        bands: crisisBands(result))
    }

    /// Active weight w − b per sector at each rebalance, stacked above and below 0; `nil` without sectors.
    static func sectorActiveWeights(_ result: BacktestResult) -> SVGChart? {
        let rebalances = result.rebalances.filter { $0.sectors != nil }
        let sectors = orderedUnion(rebalances.map { $0.activeSectorWeights.sectors })
        guard !sectors.isEmpty else { return nil }
        let rows = rebalances.map { r -> [String: Double] in
            let active = r.activeSectorWeights
            return Dictionary(uniqueKeysWithValues: zip(active.sectors, active.weights))
        }
        let months = rebalances.map(\.month)
        return SVGChart(title: "Active sector weights (w − b)", style: .stackedAreas, valueAxis: .percent,
                        series: sectors.map { s in ChartSeries(name: s, months: months, values: rows.map { $0[s] ?? 0 }) })
    }

    /// The linked attribution cumulated from the first month: one line per part (effects summed across
    /// sectors for Brinson–Fachler) and the dashed total, which ends at R_P − R_B.
    static func attributionCumulative(_ attribution: ActiveAttribution) -> SVGChart {
        let (names, columns) = parts(of: attribution)
        let cumulative = attribution.cumulative
        var series = names.indices.map { p in
            startingAtZero(names[p], attribution.months, cumulative.map { row in columns[p].reduce(0) { $0 + row[$1] } })
        }
        var total = startingAtZero("total", attribution.months, cumulative.map { $0.reduce(0, +) })
        total.dashed = true
        series.append(total)
        return SVGChart(title: "\(title(of: attribution)): cumulated (Carino-linked)", style: .lines, valueAxis: .percent,
                        series: series)
    }

    /// Each month's contributions, stacked (positive parts up, negative down), one bar per month.
    static func attributionMonthly(_ attribution: ActiveAttribution) -> SVGChart {
        let (names, columns) = parts(of: attribution)
        return SVGChart(title: "\(title(of: attribution)): per month", style: .stackedBars, valueAxis: .percent,
                        series: names.indices.map { p in
                            ChartSeries(name: names[p], months: attribution.months,
                                        values: attribution.contributions.map { row in columns[p].reduce(0) { $0 + row[$1] } })
                        })
    }

    /// "Factor attribution" or "Brinson–Fachler attribution".
    static func title(of attribution: ActiveAttribution) -> String {
        attribution.method == .factor ? "Factor attribution" : "Brinson–Fachler attribution"
    }

    /// The parts a chart draws: each component of a factor attribution; the effects (allocation,
    /// selection, costs) of a sector attribution, summed across sectors. Names and component columns.
    static func parts(of attribution: ActiveAttribution) -> (names: [String], columns: [[Int]]) {
        if attribution.method == .factor {
            return (attribution.components.map(\.label), attribution.components.indices.map { [$0] })
        }
        let effects = attribution.effects
        return (effects, effects.map { effect in attribution.components.indices.filter { attribution.components[$0].effect == effect } })
    }

    /// Ex-ante tracking error split into factor and specific contributions (annualised, stacked to the
    /// tracking error: each part is √12 · contribution / monthly active volatility); `nil` when no
    /// rebalance has an ex-ante risk model (a parametric policy).
    static func riskContributions(_ result: BacktestResult) -> SVGChart? {
        let history = RiskContributionHistory(rebalances: result.rebalances.filter { $0.exAnteActiveVariance.isFinite })
        guard !history.months.isEmpty else { return nil }
        let scale = history.exAnteVariances.map { v in v > 0 ? SeriesStatistics.monthsPerYear.squareRoot() / v.squareRoot() : 0 }
        var series = history.factorNames.indices.map { k in
            ChartSeries(name: history.factorNames[k], months: history.months,
                        values: zip(history.factorContributions, scale).map { $0[k] * $1 })
        }
        series.append(ChartSeries(name: "specific", months: history.months,
                                  values: zip(history.specificContributions, scale).map { $0 * $1 }))
        return SVGChart(title: "Ex-ante tracking error by source", style: .stackedAreas, valueAxis: .percent, series: series)
    }

    /// Holdings (weights above 1e-6) and the effective number of holdings 1/Σw² at each rebalance.
    static func diversification(_ result: BacktestResult) -> SVGChart {
        let months = result.rebalances.map(\.month)
        return SVGChart(title: "Holdings and effective number (1/Σw²)", style: .lines, valueAxis: .number,
                        series: [ChartSeries(name: "holdings", months: months,
                                             values: result.rebalances.map { Double(PortfolioStatistics.holdings($0.weights)) }),
                                 ChartSeries(name: "effective N", months: months,
                                             values: result.rebalances.map { PortfolioStatistics.effectiveN($0.weights) })],
                        bands: crisisBands(result))
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
        return SVGChart(title: "Regime probabilities (forecast for the month after each rebalance)",
                        style: .stackedAreas, valueAxis: .percent, series: series, bands: crisisBands(result))
    }

    /// A parametric policy's θ re-estimated at each decision month, one line per characteristic.
    static func thetaPath(_ path: ThetaPath) -> SVGChart {
        SVGChart(title: "θ re-estimated at each rebalance", style: .lines, valueAxis: .number,
                 series: path.characteristics.indices.map { k in
                     ChartSeries(name: path.characteristics[k], months: path.months, values: path.values.map { $0[k] })
                 })
    }

    // MARK: A sweep as a family

    /// The sweep's frontier: realised tracking error against annualised active return, a point per value.
    static func frontier(_ metrics: [PerformanceMetrics], labels: [String]) -> ScatterChart {
        ScatterChart(title: "Frontier: realised risk and return", xTitle: "realised tracking error (a year)",
                     yTitle: "active return (arithmetic, a year)", xAxis: .percent, yAxis: .percent,
                     points: zip(metrics, labels).map { .init(x: $0.trackingError, y: $0.active.annualArithmeticReturn, label: $1) })
    }

    /// Average ex-ante against realised tracking error, with the diagonal where they agree; `nil` when
    /// no result has an ex-ante risk model.
    static func exAnteAgainstRealised(_ metrics: [PerformanceMetrics], labels: [String]) -> ScatterChart? {
        let points = zip(metrics, labels).map { ScatterChart.Point(x: $0.risk.averageExAnteTrackingError, y: $0.trackingError, label: $1) }
        guard points.contains(where: { $0.x.isFinite }) else { return nil }
        return ScatterChart(title: "Ex-ante and realised tracking error", xTitle: "ex-ante tracking error (average)",
                            yTitle: "realised tracking error", xAxis: .percent, yAxis: .percent, points: points,
                            connected: false, diagonal: true)
    }

    /// The information ratio of each value of the sweep, in the sweep's order.
    static func informationRatioByValue(_ metrics: [PerformanceMetrics], labels: [String], parameter: String) -> ScatterChart {
        ScatterChart(title: "Information ratio by \(parameter)", xTitle: parameter, yTitle: "information ratio",
                     xAxis: .categories(labels), yAxis: .number,
                     points: metrics.enumerated().map { .init(x: Double($0), y: $1.informationRatio, label: "") })
    }

    // MARK: Helpers

    /// A series over the result's months preceded by 0 at the month before the first (the rebalance the
    /// first weights were chosen at), so that cumulative lines start from nothing.
    private static func startingAtZero(_ name: String, _ result: BacktestResult, _ values: [Double]) -> ChartSeries {
        startingAtZero(name, result.months, values)
    }

    private static func startingAtZero(_ name: String, _ months: [Month], _ values: [Double]) -> ChartSeries {
        ChartSeries(name: name, months: (months.first.map { [$0 - 1] } ?? []) + months, values: [0] + values)
    }

    /// The result's crisis windows as shaded bands.
    private static func crisisBands(_ result: BacktestResult) -> [ChartBand] {
        result.crises.map { ChartBand(name: $0.name, from: $0.from, to: $0.to) }
    }
}
