import TiltBacktest
import TiltLinearAlgebra

extension Table {
    /// The regime study side by side: per φ, mean realised monthly excess return (percent) and mean
    /// entropy of the weights (nats) of the regime-aware and single-regime portfolios and their paired
    /// difference, each `mean ± standard error`.
    public static func regimeStudy(_ result: RegimeStudyResult) -> Table {
        func percent(_ e: RegimeStudyResult.Estimate) -> String {
            ValueFormat.percent(e.mean, decimals: 3) + " ± " + ValueFormat.percent(e.standardError, decimals: 3)
        }
        func nats(_ e: RegimeStudyResult.Estimate) -> String {
            ValueFormat.number(e.mean, decimals: 3) + " ± " + ValueFormat.number(e.standardError, decimals: 3)
        }
        let s = result.settings
        return Table(
            title: "Regime study: \(s.trials) trials, \(s.stocks) stocks, \(s.historyMonths) months of history, seed \(s.seed) (monthly excess return; entropy −Σ w log w)",
            labelHeader: "phi",
            columns: ["regime return", "baseline return", "difference", "regime entropy", "baseline entropy", "difference"],
            rows: result.rows.map { row in
                .values(Int(whole: row.phi).map(String.init) ?? String(row.phi),
                        [percent(row.regimeReturn), percent(row.baselineReturn), percent(row.returnDifference),
                         nats(row.regimeEntropy), nats(row.baselineEntropy), nats(row.entropyDifference)])
            })
    }
}
