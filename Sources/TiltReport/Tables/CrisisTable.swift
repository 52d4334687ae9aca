import TiltBacktest

/// Tables of how one backtest fared in its crisis windows.
public enum CrisisTable {
    /// One row per window: active return over it and per year, portfolio (P.) and benchmark (B.)
    /// drawdowns inside it and months to recover after it, and the average ex-ante tracking error.
    public static func make(_ analysis: CrisisAnalysis, name: String) -> Table {
        let rows = analysis.windows.map { w in
            Table.Row.values(w.crisis.name, [
                ValueFormat.span(w.from, w.to),
                ValueFormat.percent(w.activeReturn, decimals: 1),
                ValueFormat.percent(w.annualisedActiveReturn, decimals: 1),
                ValueFormat.percent(w.portfolioDrawdown, decimals: 1),
                ValueFormat.percent(w.benchmarkDrawdown, decimals: 1),
                ValueFormat.months(w.portfolioRecoveryMonths),
                ValueFormat.months(w.benchmarkRecoveryMonths),
                ValueFormat.percent(w.risk.averageExAnteTrackingError, decimals: 1),
            ])
        }
        return Table(title: "Crises: \(name)", labelHeader: "Crisis",
                     columns: ["Months", "Active", "Act./yr", "P. DD", "B. DD", "P. rec.", "B. rec.", "Ex-ante TE"],
                     rows: rows, notes: [abbreviations])
    }

    /// What the crisis tables' columns mean.
    static let abbreviations = "Active: R_P − R_B compounded over the window; Act./yr: annualised, (1 + R_P)^(12/m) − (1 + R_B)^(12/m); "
        + "P./B. DD: portfolio/benchmark maximum drawdown inside the window; P./B. rec.: months after the window until "
        + "wealth is back at its level when the window opened (not yet: not within the sample); Ex-ante TE: average over the window."

    /// Several results side by side in each crisis window (rows: windows; per result its active return over
    /// the window, its drawdown inside it and the months it took to recover), for comparing strategies that
    /// differ in one respect — a regime model against OLS, say.
    public static func comparison(_ analyses: [(name: String, analysis: CrisisAnalysis)]) -> Table {
        let crises = orderedUnion(analyses.map { $0.analysis.windows.map(\.crisis.name) })
        let rows = crises.map { crisis in
            Table.Row.values(crisis, analyses.flatMap { _, analysis -> [String] in
                guard let w = analysis.windows.first(where: { $0.crisis.name == crisis }) else { return ["–", "–", "–"] }
                return [ValueFormat.percent(w.activeReturn, decimals: 1), ValueFormat.percent(w.portfolioDrawdown, decimals: 1),
                        ValueFormat.months(w.portfolioRecoveryMonths)]
            })
        }
        let columns = analyses.flatMap { name, _ in ["\(name): active", "\(name): DD", "\(name): rec."] }
        return Table(title: "Crises side by side (active return, portfolio drawdown, months to recover)",
                     labelHeader: "Crisis", columns: columns, rows: rows,
                     notes: ["active: R_P − R_B compounded over the window; DD: the portfolio's maximum drawdown inside it; "
                             + "rec.: months after it until the portfolio's wealth is back at its level when the window opened."])
    }

    /// One column per window: the average active factor exposures, active sector weights and shares of
    /// ex-ante active variance inside it.
    public static func positions(_ analysis: CrisisAnalysis, name: String) -> Table {
        let windows = analysis.windows
        func union(_ names: (CrisisAnalysis.Window) -> [String]) -> [String] { orderedUnion(windows.map(names)) }
        func rows(_ names: [String], _ lookup: @escaping (CrisisAnalysis.Window, String) -> String) -> [Table.Row] {
            names.map { n in .values("  \(n)", windows.map { lookup($0, n) }) }
        }
        var table: [Table.Row] = [.section("Active factor exposures")]
        table += union(\.factorNames).map { name in
            // The intercept's exposure is a monthly return: shown a year, in percent (0.00 as a loading).
            let intercept = name == FactorAttribution.interceptName
            return .values(intercept ? "  alpha (ex-ante, a year)" : "  \(name)", windows.map { w in
                w.factorNames.firstIndex(of: name).map { k in
                    intercept ? ValueFormat.percent(w.averageActiveExposures[k] * SeriesStatistics.monthsPerYear)
                              : ValueFormat.number(w.averageActiveExposures[k])
                } ?? "–"
            })
        }
        let sectors = union(\.sectors)
        if !sectors.isEmpty {
            table.append(.section("Active sector weights"))
            table += rows(sectors) { w, n in
                w.sectors.firstIndex(of: n).map { ValueFormat.percent(w.averageActiveSectorWeights[$0], decimals: 1) } ?? "–"
            }
        }
        table.append(.section("Share of ex-ante active variance (± sd)"))
        table += SummaryTable.riskShareRows(windows.map(\.risk))
        return Table(title: "Crisis positions: \(name)", labelHeader: "", columns: windows.map(\.crisis.name), rows: table)
    }
}
