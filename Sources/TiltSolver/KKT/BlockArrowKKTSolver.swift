import TiltLinearAlgebra

/// Block-arrow LDLᵀ (`BlockArrowLDL`): for KKT systems whose graph, without a small border of dense
/// rows, is a union of tiny blocks — the factor-model portfolio problems, where each asset brings a
/// block of two or three rows and the budget, exposure and cone-expansion rows form the border.
/// Cheaper to run than the sparse LDLᵀ (blocks of one shape are eliminated together in contiguous
/// loops); the analysis is done once per KKT pattern in the process (`KKTAnalysisCache`).
struct BlockArrowKKTSolver: KKTSolver {
    private let factorization: BlockArrowLDL

    /// Throws `SolverError.invalidMatrix` when the pattern lacks the structure (`BlockArrowStructure.Limits`).
    init(pattern: SparseMatrixCSC, signs: [Int]) throws {
        guard let structure = KKTAnalysisCache.blockArrowStructure(of: pattern, signs: signs) else {
            throw SolverError.invalidMatrix("the KKT matrix has no block-arrow structure (small blocks around a small border)")
        }
        factorization = BlockArrowLDL(structure: structure)
    }

    /// Nil when the pattern lacks the structure, or has it with too few blocks of one shape to gain
    /// over the sparse LDLᵀ (`LinearSolverChoice.blockArrowMinimumGroup`).
    init?(ifWorthwhile pattern: SparseMatrixCSC, signs: [Int]) {
        guard let structure = KKTAnalysisCache.blockArrowStructure(of: pattern, signs: signs),
              structure.largestShapeGroup >= LinearSolverChoice.blockArrowMinimumGroup
        else { return nil }
        factorization = BlockArrowLDL(structure: structure)
    }

    mutating func factor(values: [Double], staticRegularization: Double,
                         dynamicRegularizationEpsilon: Double, dynamicRegularizationDelta: Double) -> Bool {
        Self.succeeds {
            try factorization.factor(values: values, staticRegularization: staticRegularization,
                                     dynamicRegularization: dynamicRegularizationEpsilon,
                                     dynamicDelta: dynamicRegularizationDelta)
        }
    }

    func solve(_ first: UnsafeMutableBufferPointer<Double>, _ second: UnsafeMutableBufferPointer<Double>?) {
        if let base = first.baseAddress { factorization.solve(base) }
        if let base = second?.baseAddress { factorization.solve(base) }
    }
}
