import Foundation

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

    init(settings: RegimeStudy.Settings, outcomes: [TrialOutcome], seconds: Double) {
        self.settings = settings
        self.seconds = seconds
        rows = settings.phis.enumerated().map { p, phi in
            let rr = outcomes.map { $0.regimeReturn[p] }, br = outcomes.map { $0.baselineReturn[p] }
            let re = outcomes.map { $0.regimeEntropy[p] }, be = outcomes.map { $0.baselineEntropy[p] }
            return Row(phi: phi, regimeReturn: Estimate(rr), baselineReturn: Estimate(br),
                       returnDifference: Estimate(zip(rr, br).map { $0 - $1 }),
                       regimeEntropy: Estimate(re), baselineEntropy: Estimate(be),
                       entropyDifference: Estimate(zip(re, be).map { $0 - $1 }))
        }
    }
}
