import TiltLinearAlgebra

/// Placeholder until the sparse LDLᵀ lands: the dense factorisation behind the sparse interface.
struct SparseKKTSolver: KKTSolver {
    private var dense: DenseKKTSolver
    init(pattern: SparseMatrixCSC, signs: [Int]) throws { dense = try DenseKKTSolver(pattern: pattern, signs: signs) }
    mutating func factor(values: [Double], staticRegularization: Double,
                         dynamicRegularizationEpsilon: Double, dynamicRegularizationDelta: Double) -> Bool {
        dense.factor(values: values, staticRegularization: staticRegularization,
                     dynamicRegularizationEpsilon: dynamicRegularizationEpsilon,
                     dynamicRegularizationDelta: dynamicRegularizationDelta)
    }
    func solve(_ rhs: inout [Double]) { dense.solve(&rhs) }
}
