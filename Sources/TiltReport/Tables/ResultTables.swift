import TiltBacktest

/// The tables of one result in the report's panel: its key figures side by side for the portfolio, the
/// benchmark and the active return (the tear sheet), and how it traded and what risk it expected.
enum ResultTables {
    /// Portfolio, benchmark and active columns: returns, risk, ratios, drawdown and the distribution of
    /// monthly returns. The active column's volatility is the tracking error and its Sharpe ratio the
    /// information ratio (no risk-free rate).
    static func keyFigures(_ m: PerformanceMetrics) -> Table {
        let returns = [m.portfolio, m.benchmark, m.active]
        func row(_ label: String, _ cell: (ReturnStatistics) -> String) -> Table.Row { .values(label, returns.map(cell)) }
        let top = [
            row("Return (arithmetic)") { ValueFormat.percent($0.annualArithmeticReturn) },
            row("Return (geometric)") { ValueFormat.percent($0.annualGeometricReturn) },
            row("Volatility") { ValueFormat.percent($0.annualVolatility) },
            row("Sharpe ratio") { ValueFormat.number($0.sharpeRatio) },
            row("Max drawdown") { ValueFormat.percent($0.maxDrawdownDepth) },
            row("  peak → trough") { s in s.maxDrawdown.map { "\($0.peak) → \($0.trough)" } ?? "–" },
            row("  recovery") { s in s.maxDrawdown.map { ValueFormat.months($0.monthsToRecover, missing: "not recovered") } ?? "–" },
        ]
        var table = distribution(m)
        table.title = "Key figures (a year unless stated; active = portfolio − benchmark)"
        table.rows = top + table.rows
        table.notes = ["Active column: volatility is the tracking error, Sharpe the information ratio; hit rate: months the portfolio beat the benchmark."]
        return table
    }

    /// Portfolio, benchmark and active columns: the tear-sheet statistics of the monthly returns.
    static func distribution(_ m: PerformanceMetrics) -> Table {
        let distributions = [m.portfolioDistribution, m.benchmarkDistribution, m.activeDistribution]
        func row(_ label: String, _ cell: (DistributionStatistics) -> String) -> Table.Row { .values(label, distributions.map(cell)) }
        return Table(
            title: "Distribution of monthly returns (ratios a year)", labelHeader: "", columns: ["Portfolio", "Benchmark", "Active"],
            rows: [
                row("Sortino ratio") { ValueFormat.number($0.sortinoRatio) },
                row("Calmar ratio") { ValueFormat.number($0.calmarRatio) },
                row("VaR 95% (monthly)") { ValueFormat.percent($0.valueAtRisk) },
                row("CVaR 95% (monthly)") { ValueFormat.percent($0.conditionalValueAtRisk) },
                row("Skewness") { ValueFormat.number($0.skewness) },
                row("Excess kurtosis") { ValueFormat.number($0.excessKurtosis) },
                row("Hit rate") { ValueFormat.percent($0.hitRate, decimals: 1) },
                row("Best month") { ValueFormat.percent($0.bestMonth) },
                row("Worst month") { ValueFormat.percent($0.worstMonth) },
            ],
            notes: ["Active: hit rate = months the portfolio beat the benchmark. Definitions: Docs/conventions.md."])
    }

    /// Trading, holdings and the ex-ante active risk (average share of each source ± its sd through time).
    static func tradingAndRisk(_ m: PerformanceMetrics) -> Table {
        var rows: [Table.Row] = [
            .values("Turnover per rebalance", [ValueFormat.percent(m.trading.turnoverPerRebalance, decimals: 1)]),
            .values("Turnover per year", [ValueFormat.percent(m.trading.annualTurnover, decimals: 1)]),
            .values("Costs per year", [ValueFormat.percent(m.annualCost)]),
            .values("Holdings (w > 1e-6)", [ValueFormat.number(m.trading.averageHoldings, decimals: 1)]),
            .values("Effective N (1/Σw²)", [ValueFormat.number(m.trading.averageEffectiveN, decimals: 1)]),
            .values("Entropy (of |w|/Σ|w|)", [ValueFormat.number(m.trading.averageEntropy)]),
        ]
        if m.risk.exAnteVariances.contains(where: \.isFinite) {
            rows += [.section("Share of ex-ante active variance"),
                     .values("Ex-ante TE", [ValueFormat.percent(m.risk.averageExAnteTrackingError)])]
            rows += SummaryTable.riskShareRows([m.risk])
        }
        return Table(title: "Trading and ex-ante risk", labelHeader: "", columns: [m.name], rows: rows)
    }
}
