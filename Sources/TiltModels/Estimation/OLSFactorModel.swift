import TiltData
import TiltLinearAlgebra

/// A linear factor model estimated by time-series OLS at one rebalance month: for each asset, its
/// monthly excess return regressed on the factor returns with an intercept,
/// rᵢₜ − rfₜ = αᵢ + βᵢᵀ fₜ + εᵢₜ, over an estimation window ending at the rebalance month.
///
/// Conventions: returns are monthly decimals; at rebalance month T only rows labelled ≤ T are used.
/// Each asset uses only the window's rows where its return is known (NaN or infinite = missing); the
/// factor returns must be complete over the window. Assets with the same observed rows (all assets
/// with complete data, typically) share one QR factorisation of the design matrix [1, F]; an asset
/// with gaps is solved on its own rows. An asset observed in fewer than `minimumObservations` rows, or
/// whose rows leave the design rank-deficient, gets NaN loadings and residual variance.
///
/// The model gives asset moments as E[r − rf] = Bᵀ·mu and Cov(r) = B_fᵀ Σ_f B_f + diag(E), with B_f
/// the factor rows of B.
public struct OLSFactorModel: Sendable {
    /// The rebalance month T the window ends at.
    public let rebalance: Month
    /// The months of the window's rows (the rows of the data labelled within the window), increasing.
    public let windowMonths: [Month]
    /// Factor names, in the order of the factor rows of `loadings`.
    public let factorNames: [String]
    /// Asset identifiers, in the order of the columns of `loadings`.
    public let assetIDs: [String]
    /// (K+1) × N: row 0 the intercepts α (monthly, decimal), rows 1…K the factor loadings β.
    /// Rows labelled `["alpha", factor names…]`, columns by asset.
    public let loadings: Matrix
    /// N × 1 residual variances eᵀe / n (monthly, decimal²), n the asset's number of observations
    /// (no degrees-of-freedom correction); rows labelled by asset.
    public let residualVariances: Matrix
    /// K × K sample covariance of the factor returns over the window (divisor rows − 1; monthly,
    /// decimal²), labelled by factor on both axes.
    public let factorCovariance: Matrix
    /// (K+1) × 1: 1 followed by the mean factor returns over the window (monthly, decimal), so that
    /// `loadingsᵀ · mu` are the assets' expected monthly excess returns; rows labelled like `loadings`.
    public let mu: Matrix
    /// Number of window rows each asset's regression used (0 when it has none).
    public let observationCounts: [Int]

    /// Estimates the model from excess returns and factor returns given row by row.
    ///
    /// - Parameters:
    ///   - excessReturns: T × N monthly excess returns (decimal), NaN when missing; column labels are
    ///     the asset ids (positions "1", "2", … without labels).
    ///   - factorReturns: T × K monthly factor returns (decimal); column labels are the factor names.
    ///   - months: the T row months, strictly increasing.
    ///   - rebalance: the month T the window ends at; it must be one of `months`.
    ///   - window: expanding from a month, or rolling over a number of months.
    ///   - minimumObservations: the fewest rows an asset needs to be estimated; at least K + 1,
    ///     `nil` for K + 2 (the fewest that leave a residual).
    public static func estimate(excessReturns: Matrix, factorReturns: Matrix, months: [Month],
                                rebalance: Month, window: EstimationWindow,
                                minimumObservations: Int? = nil) throws -> OLSFactorModel {
        let factorCount = factorReturns.cols
        let names = factorReturns.colLabels ?? (0..<factorCount).map { "f\($0 + 1)" }
        let assets = excessReturns.colLabels ?? (0..<excessReturns.cols).map { "\($0 + 1)" }
        guard excessReturns.rows == months.count, factorReturns.rows == months.count else {
            throw ModelError("the returns are \(excessReturns.shapeDescription) and the factors \(factorReturns.shapeDescription), but there are \(months.count) months: both need one row per month")
        }
        guard factorCount > 0 else { throw ModelError("a factor model needs at least one factor") }
        let minimum = minimumObservations ?? factorCount + 2
        guard minimum >= factorCount + 1 else {
            throw ModelError("minimumObservations must be at least \(factorCount + 1) (one per loading and the intercept), got \(minimum)")
        }
        let rows = try window.rows(of: months, endingAt: rebalance)
        let first = rows.lowerBound
        guard rows.count >= factorCount + 2 else {
            throw ModelError("the window \(months[first])…\(rebalance) has \(rows.count) month(s); \(factorCount) factor(s) need at least \(factorCount + 2)")
        }
        let factors = try factorReturns.selecting(rows: Array(rows), cols: nil)
        if let bad = factors.storage.firstIndex(where: { !$0.isFinite }) {
            throw ModelError("factor '\(names[bad / rows.count])' has no return in \(months[first + bad % rows.count]), inside the estimation window \(months[first])…\(rebalance)")
        }
        let design = designMatrix(factors)
        do {
            // The same rank test as the fits below (dgels' triangular factor), on the full window.
            _ = try Matrix.solve(design, Matrix(rows: rows.count, cols: 1))
        } catch {
            throw ModelError("the factors \(names.joined(separator: ", ")) and the intercept are linearly dependent over the window \(months[first])…\(rebalance)")
        }
        let labels = ["alpha"] + names
        var loadings = Matrix(rows: factorCount + 1, cols: assets.count, columnMajor:
                                [Double](repeating: .nan, count: (factorCount + 1) * assets.count),
                              rowLabels: labels, colLabels: assets)
        var residualVariances = Matrix(column: [Double](repeating: .nan, count: assets.count), labels: assets)
        var counts = [Int](repeating: 0, count: assets.count)
        for group in ObservationGroups(returns: excessReturns, window: rows).groups {
            for j in group.columns { counts[j] = group.rows.count }
            guard group.rows.count >= minimum else { continue }
            // Only a group with gaps can fail here (the full design was checked): its rows alone
            // cannot identify the loadings, which stay NaN.
            guard let fit = try? GroupFit(design: design, returns: excessReturns, window: rows, group: group) else { continue }
            for (position, j) in group.columns.enumerated() {
                for k in 0...factorCount { loadings[k, j] = fit.coefficients[k, position] }
                residualVariances[j, 0] = fit.residualVariances[position]
            }
        }
        var means = [1.0]
        for k in 0..<factorCount {
            means.append(factors.storage[(k * rows.count)..<((k + 1) * rows.count)].reduce(0, +) / Double(rows.count))
        }
        var covariance = try Matrix.covariance(factors)
        covariance.rowLabels = names
        covariance.colLabels = names
        return OLSFactorModel(rebalance: rebalance, windowMonths: Array(months[rows]), factorNames: names,
                              assetIDs: assets, loadings: loadings, residualVariances: residualVariances,
                              factorCovariance: covariance, mu: Matrix(column: means, labels: labels),
                              observationCounts: counts)
    }

    /// Estimates the model on aligned data: excess returns are the panel's returns minus the factor
    /// file's risk-free rate (which it must have), regressed on all of its factors.
    public static func estimate(_ data: AlignedData, rebalance: Month, window: EstimationWindow,
                                minimumObservations: Int? = nil) throws -> OLSFactorModel {
        guard let riskFree = data.factors.riskFree else {
            throw ModelError("the factors from \(data.factors.path) have no rf column: excess returns need the risk-free rate")
        }
        var excess = data.panel.denseReturns()
        for j in 0..<excess.cols {
            for i in 0..<excess.rows { excess[i, j] -= riskFree[i, 0] }
        }
        return try estimate(excessReturns: excess, factorReturns: data.factors.returns, months: data.months,
                            rebalance: rebalance, window: window, minimumObservations: minimumObservations)
    }

    /// [1, F]: the window's factor returns with a leading column of ones.
    private static func designMatrix(_ factors: Matrix) -> Matrix {
        Matrix(rows: factors.rows, cols: factors.cols + 1,
               columnMajor: [Double](repeating: 1, count: factors.rows) + factors.storage)
    }
}

/// The least-squares fit of one group of assets observed in the same rows: one QR factorisation of
/// the design restricted to those rows (LAPACK dgels) for all the group's assets.
private struct GroupFit {
    /// (K+1) × assets of the group.
    let coefficients: Matrix
    /// eᵀe / n per asset of the group.
    let residualVariances: [Double]

    init(design: Matrix, returns: Matrix, window: Range<Int>, group: ObservationGroups.Group) throws {
        let x = group.rows.count == window.count ? design : try design.selecting(rows: group.rows, cols: nil)
        let y = try returns.selecting(rows: group.rows.map { window.lowerBound + $0 }, cols: group.columns)
        coefficients = try Matrix.solve(x, y)
        let fitted = try Matrix.product(x, coefficients)
        let n = group.rows.count
        residualVariances = (0..<group.columns.count).map { position in
            var sum = 0.0
            for k in (position * n)..<((position + 1) * n) {
                let e = y.storage[k] - fitted.storage[k]
                sum += e * e
            }
            return sum / Double(n)
        }
    }
}
