import CLapack
import TiltLinearAlgebra

/// Dense symmetric-indefinite (Bunch–Kaufman, LAPACK `dsytrf`/`dsytrs`) KKT factorisation: the
/// right choice for larger problems whose sparse factor would be nearly full, where LAPACK's
/// blocked kernels beat the scalar sparse loops (see `LinearSolverChoice.denseMinimumFill`).
struct DenseKKTSolver: KKTSolver {
    private let pattern: SparseMatrixCSC
    private let signs: [Int]
    private var factors: [Double]
    private var pivots: [Int32]
    private var workspace: [Double]

    init(pattern: SparseMatrixCSC, signs: [Int]) throws {
        self.pattern = pattern
        self.signs = signs
        let n = pattern.cols
        factors = [Double](repeating: 0, count: n * n)
        pivots = [Int32](repeating: 0, count: n)
        // Workspace query.
        var nn = Int32(n), lwork: Int32 = -1, info: Int32 = 0, query = 0.0
        var uplo = CChar(UInt8(ascii: "U"))
        dsytrf_(&uplo, &nn, &factors, &nn, &pivots, &query, &lwork, &info)
        // The size LAPACK asked for, never a trap on a NaN or huge answer.
        workspace = [Double](repeating: 0, count: Int(clamping: query, rounding: .up, to: 1...Int(Int32.max)))
    }

    mutating func factor(values: [Double], staticRegularization: Double,
                         dynamicRegularizationEpsilon: Double, dynamicRegularizationDelta: Double) -> Bool {
        let n = pattern.cols
        for k in factors.indices { factors[k] = 0 }
        for j in 0..<n {
            for p in pattern.colPointers[j]..<pattern.colPointers[j + 1] {
                factors[j * n + pattern.rowIndices[p]] += values[p]
            }
            factors[j * n + j] += Double(signs[j]) * staticRegularization
        }
        var nn = Int32(n), lwork = Int32(workspace.count), info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "U"))
        dsytrf_(&uplo, &nn, &factors, &nn, &pivots, &workspace, &lwork, &info)
        return info == 0
    }

    func solve(_ first: UnsafeMutableBufferPointer<Double>, _ second: UnsafeMutableBufferPointer<Double>?) {
        var nn = Int32(pattern.cols), one: Int32 = 1, info: Int32 = 0
        for rhs in [first, second] {
            guard let rhs else { continue }
            dsytrs_("U", &nn, &one, factors, &nn, pivots, rhs.baseAddress, &nn, &info)
        }
    }
}
