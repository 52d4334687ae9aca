import TiltLinearAlgebra

/// A factorisation back end for the quasi-definite KKT matrix. The sparsity pattern (upper triangle,
/// CSC) is fixed at construction so that symbolic work is done once; each iteration supplies new
/// values, factors and solves.
protocol KKTSolver {
    /// - Parameters:
    ///   - pattern: upper triangle of the KKT matrix (values ignored).
    ///   - signs: `+1` for rows of the positive-definite block (x and the `u` expansion rows),
    ///     `−1` for the negative-definite block (z and the `v` expansion rows).
    init(pattern: SparseMatrixCSC, signs: [Int]) throws

    /// Factors the matrix with the given values (in the order of `pattern`) after adding
    /// `signs[i]·staticRegularization` to each diagonal entry; returns false if it is singular.
    mutating func factor(values: [Double], staticRegularization: Double,
                         dynamicRegularizationEpsilon: Double, dynamicRegularizationDelta: Double) -> Bool

    /// Solves with the last factorisation (including its regularisation), overwriting `first` and,
    /// if given, `second` (two right-hand sides may share one pass over the factor).
    func solve(_ first: UnsafeMutableBufferPointer<Double>, _ second: UnsafeMutableBufferPointer<Double>?)
}

extension KKTSolver {
    /// Runs a factorisation that throws on a zero or non-finite pivot; false when it does, so that
    /// the interior-point method can report numerical trouble.
    static func succeeds(_ factorization: () throws -> Void) -> Bool {
        do {
            try factorization()
            return true
        } catch {
            return false
        }
    }
}
