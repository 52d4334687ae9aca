import Foundation
import TiltData
import TiltLinearAlgebra

extension RegimeStudy {
    /// What the optimiser of the regime study sees. The simulation (regimes, factors, loadings, the
    /// forecast and what month T+1 draws) is the same in every design, so two designs run with one seed
    /// differ only in the portfolios chosen.
    /// A plain description (Codable, part of a plan): the paper design names its factor file, read when
    /// the study runs (`history()`), so that lowering and `tilt check` read no data.
    public enum Design: Sendable, Equatable, Codable {
        /// Tilt's design (the default): the optimiser's covariances are the ones the simulation draws from —
        /// V_s = B_sᵀΣ_sB_s + e_s I in regime s, and for the baseline V̄ = B̄ᵀΣ̄B̄ + ē I with the HMM's
        /// unconditional (stationary-mixture) factor mean m̄ and covariance Σ̄.
        case consistent
        /// The published design: the optimiser leaves the idiosyncratic variance out, V_s = B_sᵀΣ_sB_s and
        /// V̄ = B̄ᵀΣ_hB̄, and the baseline's factor mean and covariance (m_h, Σ_h) are the historical
        /// sample's: the study's factors over `RegimeCalibration.studySample` in `factorFile` (a resolved
        /// path to `ff6_monthly.csv`, `HistoricalFactorMoments.study`).
        ///
        /// Those V have rank ≤ K, so both objectives depend on w only through the exposures B_s w and the
        /// optimum over w need not be unique. The tie-break with `ridge` = 0 (the default) is the
        /// interior-point method's: its iterates follow the central path, whose limit lies in the relative
        /// interior of the optimal set, so among tied portfolios it returns one holding every stock any of
        /// them holds (as for linear and quadratic programs, the analytic centre of the optimal set in the
        /// limit), never an arbitrary vertex. (The baseline's QP goes through `solve()`'s polishing like any
        /// QP; at the ties found, the result was still spread, see Docs/regime_study.md.) The
        /// same solution shows whether there was a tie: with loadings in general position, a solution
        /// holding more than S·K + 1 stocks (one state: K + 1) is a tie, and the study counts those
        /// (`RegimeStudyResult.Row`'s ties). `ridge` > 0 adds ridge · I (monthly decimal²) to every V
        /// instead, which makes each problem strictly convex and, as the ridge goes to 0, picks the optimum
        /// of least Σw²; 1e-7 is the alternative checked in Docs/regime_study.md (at 1e-8 the
        /// exponential-cone problems run into numerical trouble; at 1e-6 the ridge already moves unique
        /// optima enough to shift mean entropies by about two standard errors over 5,000 trials).
        case paper(factorFile: String, ridge: Double = 0)

        /// One line saying what the optimiser sees, printed under the study's table.
        public var summary: String {
            switch self {
            case .consistent:
                return "design consistent: the optimiser's covariances keep the idiosyncratic variance the simulation draws; the baseline's factor moments are the HMM's unconditional ones"
            case .paper(let file, let ridge):
                let tieBreak = ridge > 0 ? "tie-break \(formatNumber(ridge))·I" : "tie-break: the interior-point method's central solution"
                let months = RegimeCalibration.studySample
                return "design paper: the optimiser's covariances leave out the idiosyncratic variance (\(tieBreak)); the baseline's factor moments are the sample of \((file as NSString).lastPathComponent), \(months.lowerBound)..\(months.upperBound) (\(months.upperBound.ordinal - months.lowerBound.ordinal + 1) months)"
            }
        }

        /// The data file the design reads when the study runs (nil for `consistent`).
        public var dataFile: String? {
            if case .paper(let file, _) = self { return file }
            return nil
        }

        /// The historical factor moments of the paper design, read from its file now (nil for
        /// `consistent`). Throws a `DataError` located in the file when it is absent or cannot give the
        /// sample.
        public func history() throws -> HistoricalFactorMoments? {
            guard case .paper(let file, _) = self else { return nil }
            return try HistoricalFactorMoments.study(path: file)
        }
    }
}
