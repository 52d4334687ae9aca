import TiltBacktest

/// The file of a regime study's results (`experiment regime_study(…)` with `--out DIR`; Docs/outputs.md),
/// tidy like the backtest's CSV files: one row per study, φ and model, numbers at full precision.
public enum StudyCSV {
    public static let fileName = "regime_study.csv"

    /// `study, trials, stocks, seed, design, phi, model, return_mean, return_standard_error, entropy_mean,
    /// entropy_standard_error, ties`: for each study of the program (numbered 1, 2, … in program order) and
    /// each φ, the regime-aware portfolio (`regime`), the single-regime baseline (`baseline`) and their
    /// paired difference (`difference`): the mean realised monthly excess return (decimal) and mean entropy
    /// of the weights (nats) over the trials with their standard errors, and, in the paper design with the
    /// central tie-break, the trials whose optimum was a tie (`RegimeStudyResult.Row`; empty otherwise).
    public static func text(_ studies: [RegimeStudyResult]) -> String {
        var csv = CSVText(header: ["study", "trials", "stocks", "seed", "design", "phi", "model", "return_mean", "return_standard_error",
                                   "entropy_mean", "entropy_standard_error", "ties"])
        for (number, study) in studies.enumerated() {
            let s = study.settings
            let design: String
            // Ties are told apart only where a unique optimum holds few stocks (`RegimeStudyResult.designSummary`).
            var countsTies = false
            switch s.design {
            case .consistent: design = "consistent"
            case .paper(_, let ridge):
                design = "paper"
                countsTies = ridge == 0
            }
            for row in study.rows {
                let models: [(String, RegimeStudyResult.Estimate, RegimeStudyResult.Estimate, Int?)] = [
                    ("regime", row.regimeReturn, row.regimeEntropy, countsTies ? row.regimeTies : nil),
                    ("baseline", row.baselineReturn, row.baselineEntropy, countsTies ? row.baselineTies : nil),
                    ("difference", row.returnDifference, row.entropyDifference, nil),
                ]
                for (model, returns, entropy, ties) in models {
                    csv.append(["\(number + 1)", "\(s.trials)", "\(s.stocks)", "\(s.seed)", design, ValueFormat.csv(row.phi), model,
                                ValueFormat.csv(returns.mean), ValueFormat.csv(returns.standardError),
                                ValueFormat.csv(entropy.mean), ValueFormat.csv(entropy.standardError), ties.map { "\($0)" } ?? ""])
                }
            }
        }
        return csv.text
    }
}
