import Foundation
import TiltLinearAlgebra


/// The synthetic factor market of the solver benchmarks, drawn from one splitmix64 stream in the order
/// `make_references.benchmark_tev_data` draws it: `B_ij = 0.5·U(−1,1)` (+1 on factor 0), `Σ_f =
/// diag(0.0004(1 + U))`, `E_i = (0.02 + 0.04U)²`, `α_i = 0.02(U − ½)`, benchmark `b = 1/n` (monthly decimals).
public struct FactorBenchmarkData: Sendable {
    /// n × k loadings, asset by asset.
    public let loadings: [[Double]]
    public let factorVariances: [Double]
    public let residualVariances: [Double]
    public let alphas: [Double]
    public var benchmark: [Double] { [Double](repeating: 1 / Double(alphas.count), count: alphas.count) }

    public init(n: Int, k: Int, seed: UInt64 = 42) {
        var rng = SplitMix64(seed: seed)
        var loadings = [[Double]](repeating: [Double](repeating: 0, count: k), count: n)
        for i in 0..<n { for j in 0..<k { loadings[i][j] = 0.5 * (2 * rng.uniform() - 1) + (j == 0 ? 1 : 0) } }
        self.loadings = loadings
        factorVariances = (0..<k).map { _ in 0.0004 * (1 + rng.uniform()) }
        residualVariances = (0..<n).map { _ in pow(0.02 + 0.04 * rng.uniform(), 2) }
        alphas = (0..<n).map { _ in 0.02 * (rng.uniform() - 0.5) }
    }
}

/// The factor-model tracking-error SOCP used for timings: maximise `αᵀ(w − b)` subject to
/// `w ≥ 0`, `1ᵀw = 1`, `f = Bᵀ(w − b)` and `‖[Σ_f^{1/2} f; √E (w − b)]‖ ≤ 2%` (monthly decimals),
/// variables `(w, f)`, on `FactorBenchmarkData(n:k:seed:)`.
public func factorTEVProblem(n: Int, k: Int, seed: UInt64 = 42) -> ConicProblem {
    let data = FactorBenchmarkData(n: n, k: k, seed: seed)
    let B = data.loadings, factorVariance = data.factorVariances, idiosyncratic = data.residualVariances,
        alpha = data.alphas
    let bench = 1 / Double(n)
    let budget = 0.02

    var triplets: [(row: Int, col: Int, value: Double)] = []
    var b: [Double] = []
    // Zero rows: f − Bᵀw = −Bᵀb, then 1ᵀw = 1.
    for j in 0..<k {
        var exposure = 0.0
        for i in 0..<n { triplets.append((j, i, -B[i][j])); exposure += B[i][j] * bench }
        triplets.append((j, n + j, 1))
        b.append(-exposure)
    }
    for i in 0..<n { triplets.append((k, i, 1)) }
    b.append(1)
    // w ≥ 0.
    for i in 0..<n { triplets.append((k + 1 + i, i, -1)); b.append(0) }
    // SOC (budget; Σ_f^{1/2} f; √E (w − b)).
    let socStart = k + 1 + n
    b.append(budget)
    for j in 0..<k { triplets.append((socStart + 1 + j, n + j, -factorVariance[j].squareRoot())); b.append(0) }
    for i in 0..<n {
        let sd = idiosyncratic[i].squareRoot()
        triplets.append((socStart + 1 + k + i, i, -sd))
        b.append(-sd * bench)
    }
    let A = SparseMatrixCSC(rows: b.count, cols: n + k, triplets: triplets)
    return ConicProblem(P: SparseMatrixCSC(zeros: n + k, n + k), q: alpha.map { -$0 } + [Double](repeating: 0, count: k),
                        A: A, b: b, cones: [.zero(k + 1), .nonnegative(n), .secondOrder(1 + k + n)])
}

/// Builds and solves `factorTEVProblem(n:k:)`; returns the solution (its `info` carries setup and
/// solve times in seconds). For release-build timings next to Clarabel's.
public func benchmarkFactorTEV(n: Int, k: Int) throws -> SolverSolution {
    try InteriorPointSolver(problem: factorTEVProblem(n: n, k: k)).solve()
}
