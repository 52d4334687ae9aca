import Foundation
import TiltBacktest

/// A sweep read as a family: one row per value with the figures that tell the values apart.
public enum SweepTable {
    /// The swept parameter and each result's value: `tev` and `1%`, `1.5%`, … when every name reads
    /// `tev = …`; otherwise "value" and the names themselves (a sweep over models: `regime`, `ols`).
    static func parameter(of names: [String]) -> (name: String, values: [String]) {
        let parts = names.map { $0.components(separatedBy: " = ") }
        if let first = parts.first, first.count == 2, parts.allSatisfy({ $0.count == 2 && $0[0] == first[0] }) {
            return (first[0], parts.map { $0[1] })
        }
        return ("value", names)
    }

    /// One row per result: annualised return and active return, volatility, realised and average ex-ante
    /// tracking error, information and Sharpe ratios, maximum drawdown, turnover a year and average
    /// holdings; then the benchmark's row when every result has the same benchmark returns.
    public static func make(_ metrics: [PerformanceMetrics], sameBenchmark: Bool) -> Table {
        let (parameter, values) = parameter(of: metrics.map(\.name))
        var rows: [Table.Row] = zip(metrics, values).map { m, value in
            .values(value, [
                ValueFormat.percent(m.portfolio.annualArithmeticReturn), ValueFormat.percent(m.active.annualArithmeticReturn),
                ValueFormat.percent(m.portfolio.annualVolatility), ValueFormat.percent(m.trackingError),
                ValueFormat.percent(m.risk.averageExAnteTrackingError), ValueFormat.number(m.informationRatio),
                ValueFormat.number(m.portfolio.sharpeRatio), ValueFormat.percent(m.portfolio.maxDrawdownDepth, decimals: 1),
                ValueFormat.percent(m.trading.annualTurnover, decimals: 0), ValueFormat.number(m.trading.averageHoldings, decimals: 1),
            ])
        }
        if sameBenchmark, let b = metrics.first?.benchmark {
            rows.append(.values("benchmark", [
                ValueFormat.percent(b.annualArithmeticReturn), "", ValueFormat.percent(b.annualVolatility), "", "", "",
                ValueFormat.number(b.sharpeRatio), ValueFormat.percent(b.maxDrawdownDepth, decimals: 1), "", "",
            ]))
        }
        let period = metrics.first?.period.map { " \(ValueFormat.span($0.lowerBound, $0.upperBound))," } ?? ""
        return Table(
            title: "Sweep\(parameter == "value" ? "" : " of \(parameter)"): \(metrics.count) values,\(period) a row per value (a year)",
            labelHeader: parameter,
            columns: ["Return", "Active", "Vol.", "TE", "Ex-ante TE", "IR", "Sharpe", "Max DD", "Turnover/yr", "Holdings"],
            rows: rows,
            notes: ["Return: portfolio, arithmetic; Active: portfolio − benchmark; TE: realised tracking error; Ex-ante TE: "
                    + "the risk model's, averaged over rebalances; IR = Active / TE; Sharpe over the risk-free rate; "
                    + "Max DD: portfolio's maximum drawdown; Holdings: average count."])
    }

    /// Active return (R_P − R_B compounded over the window) of each result in each crisis window that one
    /// of them overlaps: a row per result, a column per window.
    public static func crises(_ analyses: [(name: String, analysis: CrisisAnalysis)]) -> Table {
        let (parameter, values) = parameter(of: analyses.map(\.name))
        let windows = orderedUnion(analyses.map { $0.analysis.windows.map(\.crisis.name) })
        return Table(
            title: "Active return in each crisis window (R_P − R_B over the window)", labelHeader: parameter, columns: windows,
            rows: zip(analyses, values).map { entry, value in
                .values(value, windows.map { name in
                    entry.analysis.windows.first { $0.crisis.name == name }.map { ValueFormat.percent($0.activeReturn, decimals: 1) } ?? "–"
                })
            })
    }
}
