/// Outcome of `QuasiDefiniteLDL.refine`.
public struct RefinementResult: Sendable, Equatable {
    /// Refinement steps accepted (0 if the initial `x` already met the tolerance).
    public var iterations: Int
    /// `‖b − K x‖∞` for the returned `x`.
    public var residualNorm: Double
}

extension QuasiDefiniteLDL {
    /// Iterative refinement of `x ≈ K⁻¹ b` against the unregularised matrix `K`, using the
    /// (regularised) factorisation as preconditioner: `x ← x + F⁻¹ (b − K x)`. This removes the
    /// effect of static and dynamic regularisation on the IPM search direction (as in Clarabel).
    ///
    /// Stops when `‖b − Kx‖∞ ≤ absoluteTolerance + relativeTolerance · ‖b‖∞`, after `maxIterations`
    /// steps, or when a step improves the residual by less than `stopRatio` (a step that makes it
    /// worse is discarded).
    ///
    /// - Parameter matrix: upper triangle of `K` (same dimension as the factorisation; its pattern
    ///   may differ from the factored one).
    public func refine(matrix: SparseMatrixCSC, b: [Double], x: inout [Double], maxIterations: Int = 10,
                       relativeTolerance: Double = 1e-13, absoluteTolerance: Double = 1e-12,
                       stopRatio: Double = 5) -> RefinementResult {
        precondition(matrix.rows == dimension && matrix.cols == dimension && b.count == dimension && x.count == dimension,
                     "QuasiDefiniteLDL.refine: dimensions of K, b and x must match the factorisation")
        var residual = [Double](repeating: 0, count: dimension)
        var product = [Double](repeating: 0, count: dimension)
        func residualNorm(of candidate: [Double]) -> Double {
            matrix.multiplySymmetricUpper(candidate, into: &product)
            var norm = 0.0
            for i in 0..<dimension {
                residual[i] = b[i] - product[i]
                norm = max(norm, abs(residual[i]))
            }
            return norm
        }
        let threshold = absoluteTolerance + relativeTolerance * b.reduce(0) { max($0, abs($1)) }
        var norm = residualNorm(of: x)
        var iterations = 0
        var candidate = x
        while iterations < maxIterations && norm > threshold {
            solve(&residual)
            for i in 0..<dimension { candidate[i] = x[i] + residual[i] }
            let candidateNorm = residualNorm(of: candidate)
            if candidateNorm < norm {
                swap(&x, &candidate)
                iterations += 1
            }
            let improvement = norm / candidateNorm
            norm = min(norm, candidateNorm)
            if !(improvement >= stopRatio) { break }
        }
        return RefinementResult(iterations: iterations, residualNorm: norm)
    }
}
