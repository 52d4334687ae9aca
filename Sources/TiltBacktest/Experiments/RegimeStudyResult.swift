import Foundation
import TiltData
import TiltLinearAlgebra

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
        /// The trials whose regime-aware, resp. baseline, portfolio put more than 0.1% of its weight
        /// outside the `uniqueOptimumHoldings` largest holdings: in the paper design with the central
        /// tie-break, the optima that were ties (a unique optimum holds no more stocks).
        public let regimeTies, baselineTies: Int
    }

    public let settings: RegimeStudy.Settings
    public let rows: [Row]
    /// Wall-clock time of the trials, seconds.
    public let seconds: Double
    /// S·K + 1 and K + 1 for the calibration's S regimes and K factors: the most stocks a unique optimum of
    /// the paper design holds, the rank of [1ᵀ; B_1; …; B_S], resp. [1ᵀ; B̄]. (Its objectives depend on w
    /// only through those products; the central solution lies in the relative interior of the optimal set,
    /// so when it holds more stocks, with loadings in general position, the optimum was a tie.)
    public let uniqueOptimumHoldings: (regime: Int, baseline: Int)

    init(settings: RegimeStudy.Settings, calibration: RegimeCalibration, outcomes: [TrialOutcome], seconds: Double) {
        self.settings = settings
        self.seconds = seconds
        let k = calibration.factorNames.count
        uniqueOptimumHoldings = (calibration.stateCount * k + 1, k + 1)
        rows = settings.phis.enumerated().map { p, phi in
            let rr = outcomes.map { $0.regimeReturn[p] }, br = outcomes.map { $0.baselineReturn[p] }
            let re = outcomes.map { $0.regimeEntropy[p] }, be = outcomes.map { $0.baselineEntropy[p] }
            return Row(phi: phi, regimeReturn: Estimate(rr), baselineReturn: Estimate(br),
                       returnDifference: Estimate(zip(rr, br).map { $0 - $1 }),
                       regimeEntropy: Estimate(re), baselineEntropy: Estimate(be),
                       entropyDifference: Estimate(zip(re, be).map { $0 - $1 }),
                       regimeTies: outcomes.filter { $0.regimeTail[p] > RegimeStudy.tieWeight }.count,
                       baselineTies: outcomes.filter { $0.baselineTail[p] > RegimeStudy.tieWeight }.count)
        }
    }

    /// What the optimiser saw (`Design.summary`) and, in the paper design with the central tie-break, how
    /// many optima were ties at each φ.
    public var designSummary: String {
        guard case .paper(_, let ridge) = settings.design, ridge == 0 else { return settings.design.summary }
        let counts = rows.map { "\(formatNumber($0.phi)): \($0.regimeTies), \($0.baselineTies)" }.joined(separator: "; ")
        return settings.design.summary
            + "\nties (trials whose portfolio puts over 0.1% outside the \(uniqueOptimumHoldings.regime), resp. \(uniqueOptimumHoldings.baseline), stocks a unique optimum can hold), regime-aware and baseline, by phi: \(counts)"
    }
}
