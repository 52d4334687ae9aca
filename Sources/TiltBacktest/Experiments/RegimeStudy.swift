import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltPortfolio

/// The Monte Carlo study of regime-aware portfolios, in the design of the regime study
/// (`regime_calibration.json`, embedded as `RegimeCalibration.study`). Per trial:
///
/// 1. a regime path and factor returns over `historyMonths` months from the HMM, and `stocks` stocks'
///    loadings in every regime from the cross-sectional loading distribution;
/// 2. the forecast π_{T+1}: the filtered regime probabilities at T pushed through the transition matrix
///    (`RegimeForecast`; the investor knows the HMM's parameters, not the regimes);
/// 3. per regime s the stocks' expected excess returns R_s = B_sᵀm_s and covariance
///    V_s = B_sᵀΣ_sB_s + e_s I (factor form, never formed);
/// 4. for each φ, the **regime-aware** portfolio maximises the certainty equivalent
///    −(1/φ) log Σ_s π_s exp(−φR_sᵀw + φ²/2 wᵀV_s w) and the **single-regime baseline** maximises
///    R̄ᵀw − φ/2 wᵀV̄w with the stationary mixture loadings B̄ = Σπ̄_sB_s, the unconditional factor mean
///    m̄ = Σπ̄_s m_s and covariance Σ̄ = Σπ̄_s(Σ_s + (m_s − m̄)(m_s − m̄)ᵀ), and ē = Σπ̄_s e_s; both long-only
///    and fully invested (that is the `consistent` design; the `paper` design leaves e_s and ē out of
///    the optimiser and takes the baseline's m̄ and Σ̄ from the historical factors, see `Design`);
/// 5. month T+1's regime (from the chain), factor returns and residuals ε ~ N(0, e_{s_{T+1}}) give each
///    stock's excess return B_{s_{T+1}}ᵀf_{T+1} + ε; the study records each portfolio's realised excess
///    return and the entropy −Σ w log w of its weights.
///
/// All φ and both models of a trial share its draws, so differences are paired. Trials run in parallel
/// on all cores; trial i draws from its own generator seeded by (seed, i), so the results do not depend
/// on the number of threads.
public enum RegimeStudy {
    /// The study's size and seed.
    public struct Settings: Sendable, Equatable, Codable {
        public var trials: Int
        public var stocks: Int
        /// The risk aversions φ (per unit of monthly return).
        public var phis: [Double]
        public var seed: UInt64
        /// Months of factor history behind the forecast (T).
        public var historyMonths: Int
        /// What the optimiser sees (the simulation is the same in every design).
        public var design: Design

        public init(trials: Int = 5_000, stocks: Int = 500, phis: [Double] = [1, 5, 25, 50], seed: UInt64 = 7,
                    historyMonths: Int = 120, design: Design = .consistent) {
            self.trials = trials
            self.stocks = stocks
            self.phis = phis
            self.seed = seed
            self.historyMonths = historyMonths
            self.design = design
        }
    }

    /// Runs the study. `progress(done, total)` is called after each trial (from worker threads, one at a
    /// time). Throws `RegimeStudyError` for bad settings or when a solve fails, and the `DataError` of the
    /// paper design's factor file when it cannot be read.
    public static func run(_ settings: Settings, calibration: RegimeCalibration = .study,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> RegimeStudyResult {
        try validateSettings(settings)
        return try run(settings, calibration: calibration, history: settings.design.history(), progress: progress)
    }

    /// Runs the study with the paper design's historical moments already read (`history`, nil for the
    /// consistent design).
    static func run(_ settings: Settings, calibration: RegimeCalibration, history: HistoricalFactorMoments?,
                    progress: (@Sendable (Int, Int) -> Void)?) throws -> RegimeStudyResult {
        try validate(settings, calibration: calibration, history: history)
        let trial = try RegimeStudyTrial(settings: settings, calibration: calibration, history: history)
        let store = TrialStore(trials: settings.trials)
        let start = Date()
        // Chunks of consecutive trials, a few per core, so that slow trials even out.
        let chunkCount = min(settings.trials, max(1, ProcessInfo.processInfo.activeProcessorCount * 8))
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = (chunk * settings.trials / chunkCount)..<((chunk + 1) * settings.trials / chunkCount)
            for index in range {
                store.record(Result { try trial.run(index: index) }, at: index, progress: progress)
            }
        }
        let outcomes = try store.outcomes()
        return RegimeStudyResult(settings: settings, calibration: calibration, outcomes: outcomes, seconds: Date().timeIntervalSince(start))
    }

    /// A portfolio whose weight outside its S·K + 1 (baseline: K + 1) largest holdings exceeds this is
    /// counted as a tie (`RegimeStudyResult.Row`): the solver's tolerances leave up to about 1e-4 on stocks
    /// a unique optimum does not hold; the central solution of a tie spreads more.
    static let tieWeight = 1e-3

    /// The first φ of `phis` the study refuses, with its position and why, or nil when all can be run.
    /// Each φ must lie in `RegimeObjectives.reliablePhis`, the range `regime_utility(phi:)` accepts
    /// (beyond it the regime-aware problem fails in some trial or gives weights not to be trusted), and
    /// appear once (a repeated φ only repeats a row); a repeat is reported at its second appearance.
    public static func phiProblem(_ phis: [Double]) -> (index: Int, message: String)? {
        for (index, phi) in phis.enumerated() {
            guard RegimeObjectives.reliablePhis.contains(phi) else {
                return (index, "the risk aversion phi must be a number \(RegimeObjectives.reliablePhisText), got \(formatNumber(phi))")
            }
            if phis[..<index].contains(phi) {
                return (index, "the risk aversion phi \(formatNumber(phi)) is listed twice")
            }
        }
        return nil
    }

    /// The checks that need no data: sizes, φ, the ridge.
    private static func validateSettings(_ s: Settings) throws {
        guard s.trials >= 2 else { throw RegimeStudyError("the study needs at least 2 trials, got \(s.trials)") }
        guard s.stocks >= 2 else { throw RegimeStudyError("the study needs at least 2 stocks, got \(s.stocks)") }
        guard !s.phis.isEmpty else { throw RegimeStudyError("the study needs at least one risk aversion phi") }
        if let problem = phiProblem(s.phis) { throw RegimeStudyError(problem.message) }
        guard s.historyMonths >= 1 else { throw RegimeStudyError("the history needs at least one month, got \(s.historyMonths)") }
        if case .paper(_, let ridge) = s.design {
            guard ridge >= 0, ridge.isFinite else { throw RegimeStudyError("the paper design's ridge must be a number ≥ 0, got \(ridge)") }
        }
    }

    /// Every check, the historical moments' included.
    private static func validate(_ s: Settings, calibration: RegimeCalibration, history: HistoricalFactorMoments?) throws {
        try validateSettings(s)
        if case .paper = s.design {
            guard let history else { throw RegimeStudyError("the paper design needs the historical factor moments of its factor file") }
            guard history.factorNames == calibration.factorNames else {
                throw RegimeStudyError("the historical factors are \(history.factorNames.joined(separator: ", ")), the calibration's \(calibration.factorNames.joined(separator: ", "))")
            }
            guard (try? history.covariance.cholesky()) != nil else {
                throw RegimeStudyError("the historical factor covariance of \(history.path) is not positive definite")
            }
        }
    }
}

/// A study that cannot run: bad settings, or a portfolio problem that could not be solved.
public struct RegimeStudyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// What one trial records for one φ: realised excess return and entropy of each model's weights, and
/// the weight outside its S·K + 1 (baseline: K + 1) largest holdings, the most a unique optimum of the
/// paper design holds.
struct TrialOutcome: Sendable {
    /// Indexed like the settings' φ.
    var regimeReturn: [Double], regimeEntropy: [Double]
    var baselineReturn: [Double], baselineEntropy: [Double]
    var regimeTail: [Double], baselineTail: [Double]
}

/// Trial outcomes filled from several threads (each index once) and the count of finished trials.
private final class TrialStore: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<TrialOutcome, Error>?]
    private var done = 0

    init(trials: Int) { results = Array(repeating: nil, count: trials) }

    func record(_ result: Result<TrialOutcome, Error>, at index: Int, progress: (@Sendable (Int, Int) -> Void)?) {
        lock.withLock {
            results[index] = result
            done += 1
            progress?(done, results.count)
        }
    }

    func outcomes() throws -> [TrialOutcome] {
        try lock.withLock {
            try results.enumerated().map { index, result in
                guard let result else { throw RegimeStudyError("trial \(index + 1) did not run") }
                return try result.get()
            }
        }
    }
}
