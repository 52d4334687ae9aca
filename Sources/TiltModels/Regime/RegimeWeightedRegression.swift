import TiltLinearAlgebra

/// Regime-weighted least squares: for each asset and each regime s, the weighted regression of the
/// asset's excess return on [1, factors] with the smoothed state probabilities γ_ts as weights,
///
///     (α_s, β_s) = argmin Σ_t γ_ts (r_t − α − βᵀf_t)²,
///
/// which gives state-conditional intercepts and loadings; the state's residual variance is the
/// γ-weighted mean squared residual E_s = Σ_t γ_ts e_ts² / Σ_t γ_ts (no degrees-of-freedom correction,
/// like the OLS model's eᵀe/n, to which it reduces with one state).
///
/// Each asset uses only the rows where its return is known; assets with the same known rows share one
/// QR factorisation per state of the weighted design √γ_s∘[1, F]. An asset with fewer than
/// `minimumObservations` rows, or whose rows leave a state's weighted design rank-deficient, gets NaN.
public struct RegimeWeightedRegression: Sendable {
    /// Per state, (K+1) × N: row 0 the intercepts (monthly, decimal), rows 1…K the loadings; rows
    /// labelled `["alpha", factor names…]`, columns by asset.
    public let loadings: [Matrix]
    /// Per state, the N residual variances Σ_t γ_ts e_ts² / Σ_t γ_ts (monthly, decimal²).
    public let residualVariances: [[Double]]
    /// Number of rows each asset's regressions used.
    public let observationCounts: [Int]

    /// - Parameters:
    ///   - excessReturns: T × N monthly excess returns (decimal), NaN when missing; columns labelled by asset.
    ///   - factorReturns: T × K monthly factor returns (decimal), complete; columns labelled by factor.
    ///   - weights: T × S state probabilities (each row non-negative; the smoothed probabilities).
    ///   - minimumObservations: the fewest rows an asset needs; `nil` for K + 2.
    public static func estimate(excessReturns: Matrix, factorReturns: Matrix, weights: Matrix,
                                minimumObservations: Int? = nil) throws -> RegimeWeightedRegression {
        let t = factorReturns.rows, k = factorReturns.cols, n = excessReturns.cols, s = weights.cols
        guard excessReturns.rows == t, weights.rows == t else {
            throw ModelError("the returns are \(excessReturns.shapeDescription), the factors \(factorReturns.shapeDescription) and the state weights \(weights.shapeDescription): all need one row per month")
        }
        guard k > 0, s > 0 else { throw ModelError("a regime regression needs at least one factor and one state") }
        guard factorReturns.storage.allSatisfy(\.isFinite) else { throw ModelError("the factor returns must be complete over the window") }
        guard weights.storage.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw ModelError("state weights must be non-negative numbers") }
        let minimum = minimumObservations ?? k + 2
        let names = factorReturns.colLabels ?? (0..<k).map { "f\($0 + 1)" }
        let assets = excessReturns.colLabels ?? (0..<n).map { "\($0 + 1)" }
        let design = Self.design(factorReturns)
        if let state = thinState(factorReturns: factorReturns, weights: weights) {
            throw ModelError("state \(state + 1) has too little probability weight over the window to estimate \(k + 1) regression coefficients")
        }
        var loadings = [Matrix](repeating: Matrix(rows: k + 1, cols: n, columnMajor: [Double](repeating: .nan, count: (k + 1) * n),
                                                  rowLabels: ["alpha"] + names, colLabels: assets), count: s)
        var residualVariances = [[Double]](repeating: [Double](repeating: .nan, count: n), count: s)
        var counts = [Int](repeating: 0, count: n)
        for group in ObservationGroups(returns: excessReturns, window: 0..<t).groups {
            for j in group.columns { counts[j] = group.rows.count }
            guard group.rows.count >= minimum else { continue }
            let x = group.rows.count == t ? design : try design.selecting(rows: group.rows, cols: nil)
            let y = try excessReturns.selecting(rows: group.rows, cols: group.columns)
            for state in 0..<s {
                // Only a group with gaps can fail here (every full design was checked): NaN stays.
                guard let coefficients = try? Matrix.solve(weighted(x, weights, state: state, rows: group.rows),
                                                           weighted(y, weights, state: state, rows: group.rows)) else { continue }
                let fitted = try Matrix.product(x, coefficients)
                let stateWeights = group.rows.map { weights[$0, state] }
                let totalWeight = stateWeights.reduce(0, +)
                for (position, j) in group.columns.enumerated() {
                    for r in 0...k { loadings[state][r, j] = coefficients[r, position] }
                    var sum = 0.0
                    for (i, w) in stateWeights.enumerated() {
                        let e = y[i, position] - fitted[i, position]
                        sum += w * e * e
                    }
                    residualVariances[state][j] = sum / totalWeight
                }
            }
        }
        return RegimeWeightedRegression(loadings: loadings, residualVariances: residualVariances, observationCounts: counts)
    }

    /// The first state (0-based) whose weighted design √γ_s∘[1, F] over all T rows is rank-deficient —
    /// too little probability weight to estimate K + 1 coefficients — or nil when every state has enough.
    /// The same T × K factors and T × S weights as `estimate`.
    public static func thinState(factorReturns: Matrix, weights: Matrix) -> Int? {
        let design = design(factorReturns), t = factorReturns.rows
        return (0..<weights.cols).first { state in
            (try? Matrix.solve(weighted(design, weights, state: state, rows: Array(0..<t)), Matrix(rows: t, cols: 1))) == nil
        }
    }

    /// [1, F]: the intercept column, then the factors (T × (K + 1)).
    private static func design(_ factorReturns: Matrix) -> Matrix {
        Matrix(rows: factorReturns.rows, cols: factorReturns.cols + 1,
               columnMajor: [Double](repeating: 1, count: factorReturns.rows) + factorReturns.storage)
    }

    /// The rows of `m` scaled by √γ_ts, the square roots of the state's weights at `rows` (so that least
    /// squares on the result is weighted least squares on `m`).
    private static func weighted(_ m: Matrix, _ weights: Matrix, state: Int, rows: [Int]) -> Matrix {
        var result = m
        for (i, row) in rows.enumerated() {
            let scale = weights[row, state].squareRoot()
            for j in 0..<m.cols { result[i, j] *= scale }
        }
        return result
    }
}
