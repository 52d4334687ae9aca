import TiltData
import TiltLinearAlgebra

/// What a backtest needs from a factor model estimated at a rebalance month T, whichever way it was
/// estimated (`OLSFactorModel`, `RegimeFactorModel`): asset moments E[r − rf] = Bᵀ·mu and
/// Cov(r) = B_fᵀ Σ_f B_f + diag(E), with B_f the factor rows of B. Monthly decimals throughout.
public protocol FactorModel: Sendable {
    /// The rebalance month T the window ends at.
    var rebalance: Month { get }
    /// The months of the window's rows, increasing.
    var windowMonths: [Month] { get }
    /// Factor names, in the order of the factor rows of `loadings`.
    var factorNames: [String] { get }
    /// Asset identifiers, in the order of the columns of `loadings`.
    var assetIDs: [String] { get }
    /// (K+1) × N: row 0 the intercepts, rows 1…K the loadings.
    var loadings: Matrix { get }
    /// N × 1 residual variances (decimal²).
    var residualVariances: Matrix { get }
    /// K × K factor covariance (decimal²).
    var factorCovariance: Matrix { get }
    /// (K+1) × 1: 1 followed by the expected factor returns.
    var mu: Matrix { get }
    /// Number of window rows each asset's regression used.
    var observationCounts: [Int] { get }
}

extension OLSFactorModel: FactorModel {}
