import TiltBacktest

/// The metrics of one or several backtests side by side (a sweep: one column per result).
public enum SummaryTable {
    /// One column per result; rows grouped into portfolio, benchmark, active, trading, holdings and
    /// ex-ante risk. Percentages are annualised unless the row says otherwise.
    public static func make(_ metrics: [PerformanceMetrics], title: String = "Metrics (annualised unless stated)") -> Table {
        typealias Row = Table.Row
        func row(_ label: String, _ cell: (PerformanceMetrics) -> String) -> Row { .values(label, metrics.map(cell)) }
        func returnRows(_ stats: (PerformanceMetrics) -> ReturnStatistics, volatility: String, ratio: String) -> [Row] {
            [
                row("Return (arithmetic)") { ValueFormat.percent(stats($0).annualArithmeticReturn) },
                row("Return (geometric)") { ValueFormat.percent(stats($0).annualGeometricReturn) },
                row(volatility) { ValueFormat.percent(stats($0).annualVolatility) },
                row(ratio) { ValueFormat.number(stats($0).sharpeRatio) },
                row("Max drawdown") { ValueFormat.percent(stats($0).maxDrawdownDepth) },
                row("  peak → trough") { m in
                    stats(m).maxDrawdown.map { "\($0.peak) → \($0.trough)" } ?? "–"
                },
                row("  recovery") { m in
                    stats(m).maxDrawdown.map { ValueFormat.months($0.monthsToRecover, missing: "not recovered") } ?? "–"
                },
                row("  length") { m in stats(m).maxDrawdown.map { ValueFormat.months($0.length) } ?? "–" },
            ]
        }
        var rows: [Row] = [
            row("Period") { m in m.period.map { ValueFormat.span($0.lowerBound, $0.upperBound) } ?? "–" },
            row("Months") { "\($0.portfolio.months)" },
            .section("Portfolio"),
        ]
        rows += returnRows(\.portfolio, volatility: "Volatility", ratio: "Sharpe ratio")
        rows.append(.section("Benchmark"))
        rows += returnRows(\.benchmark, volatility: "Volatility", ratio: "Sharpe ratio")
        rows.append(.section("Active"))
        rows += returnRows(\.active, volatility: "Tracking error", ratio: "Information ratio")
        rows += [
            .section("Trading and holdings"),
            row("Turnover per rebalance") { ValueFormat.percent($0.trading.turnoverPerRebalance, decimals: 1) },
            row("Turnover per year") { ValueFormat.percent($0.trading.annualTurnover, decimals: 1) },
            row("Costs per year") { ValueFormat.percent($0.annualCost) },
            row("Holdings (w > 1e-6)") { ValueFormat.number($0.trading.averageHoldings, decimals: 1) },
            row("Effective N (1/Σw²)") { ValueFormat.number($0.trading.averageEffectiveN, decimals: 1) },
            row("Entropy (of |w|/Σ|w|)") { ValueFormat.number($0.trading.averageEntropy) },
            .section("Ex-ante active risk (share ± sd through time)"),
            row("Tracking error") { ValueFormat.percent($0.risk.averageExAnteTrackingError) },
        ]
        rows += riskShareRows(metrics.map(\.risk))
        return Table(title: title, labelHeader: "", columns: metrics.map(\.name), rows: rows)
    }

    /// One row per factor (union over the histories, first-seen order) and one for specific risk: the
    /// average share of ex-ante active variance ± its standard deviation through time.
    static func riskShareRows(_ histories: [RiskContributionHistory]) -> [Table.Row] {
        let factors = orderedUnion(histories.map(\.factorNames))
        func cell(_ mean: Double, _ sd: Double) -> String {
            ValueFormat.percent(mean, decimals: 1) + (sd.isFinite ? " ± " + ValueFormat.percent(sd, decimals: 1) : "")
        }
        let factorRows = factors.map { factor in
            Table.Row.values("  \(factor)", histories.map { h in
                h.factorNames.firstIndex(of: factor).map { cell(h.averageFactorShares[$0], h.factorShareDispersion[$0]) } ?? "–"
            })
        }
        return factorRows + [.values("  specific", histories.map { cell($0.averageSpecificShare, $0.specificShareDispersion) })]
    }
}
