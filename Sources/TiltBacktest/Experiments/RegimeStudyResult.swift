import Foundation
import TiltData

/// The study's outcome: per φ, each model's mean realised excess return and mean entropy with standard
/// errors, and the paired regime-aware − baseline differences with theirs.
public struct RegimeStudyResult: Sendable {
    /// A sample mean and its standard error (sample standard deviation / √trials).
    public struct Estimate: Sendable, Equatable {
        public let mean: Double
        public let standardError: Double

        init(_ values: [Double]) {
            mean = SeriesStatistics.mean(values)
            standardError = SeriesStatistics.sampleStandardDeviation(values) / Double(values.count).squareRoot()
        }
    }

    /// One φ's row: monthly excess returns (decimal) and entropies (nats).
    public struct Row: Sendable {
        public let phi: Double
        public let regimeReturn, baselineReturn, returnDifference: Estimate
        public let regimeEntropy, baselineEntropy, entropyDifference: Estimate
    }

    public let settings: RegimeStudy.Settings
    public let rows: [Row]
    /// Wall-clock time of the trials, seconds.
    public let seconds: Double
    /// The most stocks (weights above 1e-6) any regime-aware and any baseline portfolio held, over all
    /// trials and φ. In the paper design this says whether the tie-break mattered: with loadings in general
    /// position a solution of the central tie-break holding at most S·K + 1 stocks (baseline: K + 1) is
    /// the unique optimum.
    public let largestHoldings: (regime: Int, baseline: Int)
    /// S·K + 1 and K + 1 for the calibration's S regimes and K factors: the most holdings of a unique optimum
    /// in the paper design (the rank of [1ᵀ; B_1; …; B_S], resp. [1ᵀ; B̄]).
    public let uniqueOptimumHoldings: (regime: Int, baseline: Int)

    init(settings: RegimeStudy.Settings, calibration: RegimeCalibration, outcomes: [TrialOutcome], seconds: Double) {
        self.settings = settings
        self.seconds = seconds
        let k = calibration.factorNames.count
        uniqueOptimumHoldings = (calibration.stateCount * k + 1, k + 1)
        largestHoldings = (outcomes.flatMap(\.regimeHoldings).max() ?? 0, outcomes.flatMap(\.baselineHoldings).max() ?? 0)
        rows = settings.phis.enumerated().map { p, phi in
            let rr = outcomes.map { $0.regimeReturn[p] }, br = outcomes.map { $0.baselineReturn[p] }
            let re = outcomes.map { $0.regimeEntropy[p] }, be = outcomes.map { $0.baselineEntropy[p] }
            return Row(phi: phi, regimeReturn: Estimate(rr), baselineReturn: Estimate(br),
                       returnDifference: Estimate(zip(rr, br).map { $0 - $1 }),
                       regimeEntropy: Estimate(re), baselineEntropy: Estimate(be),
                       entropyDifference: Estimate(zip(re, be).map { $0 - $1 }))
        }
    }

    /// What the optimiser saw (`Design.summary`) and, in the paper design, the largest portfolios; with the
    /// central tie-break (ridge 0) also whether any optimum was a tie.
    public var designSummary: String {
        guard case .paper(_, let ridge) = settings.design else { return settings.design.summary }
        let (regime, baseline) = largestHoldings, bound = uniqueOptimumHoldings
        var line = "largest portfolio: \(regime) stocks regime-aware, \(baseline) baseline"
        if ridge == 0 {
            line += "; a central solution holding at most \(bound.regime), resp. \(bound.baseline), is the unique optimum (loadings in general position), "
                + (regime <= bound.regime && baseline <= bound.baseline ? "so no optimum here was a tie" : "so some optima here were ties")
        }
        return settings.design.summary + "\n" + line
    }
}
