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
                     rows: rows)
    }

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
                     labelHeader: "Crisis", columns: columns, rows: rows)
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
        table += rows(union(\.factorNames)) { w, n in
            w.factorNames.firstIndex(of: n).map { ValueFormat.number(w.averageActiveExposures[$0]) } ?? "–"
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
