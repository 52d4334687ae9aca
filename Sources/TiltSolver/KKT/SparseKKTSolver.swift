import TiltLinearAlgebra

/// Sparse quasi-definite LDLᵀ (`QuasiDefiniteLDL`: AMD ordering (once per pattern in the process, see
/// `KKTAnalysisCache`) and symbolic analysis at construction; numeric factorisation with static and dynamic regularisation every iteration).
struct SparseKKTSolver: KKTSolver {
    private let factorization: QuasiDefiniteLDL
    private let signs: [Int8]

    /// Entries of `L` below the diagonal (fill measure used to choose a back end).
    var factorNonzeroCount: Int { factorization.factorNonzeroCount }

    init(pattern: SparseMatrixCSC, signs: [Int]) throws {
        factorization = try QuasiDefiniteLDL(pattern: pattern, ordering: KKTAnalysisCache.ordering(of: pattern))
        self.signs = signs.map { Int8($0) }
    }

    mutating func factor(values: [Double], staticRegularization: Double,
                         dynamicRegularizationEpsilon: Double, dynamicRegularizationDelta: Double) -> Bool {
        Self.succeeds {
            try factorization.factor(values: values, signs: signs, staticRegularization: staticRegularization,
                                     dynamicRegularization: dynamicRegularizationEpsilon,
                                     dynamicDelta: dynamicRegularizationDelta)
        }
    }

    func solve(_ first: UnsafeMutableBufferPointer<Double>, _ second: UnsafeMutableBufferPointer<Double>?) {
        if let second {
            factorization.solve(first, second)
        } else {
            factorization.solve(first)
        }
    }
}
