import TiltLinearAlgebra

/// The project's SplitMix64, so random tests are reproducible.
typealias SeededGenerator = SplitMix64

/// A KKT-like quasi-definite matrix `[[P, Aᵀ], [A, −D]]` (upper triangle) with its pivot signs.
struct QuasiDefiniteSample {
    var upper: SparseMatrixCSC
    var signs: [Int8]
    var dimension: Int { upper.cols }
}

enum SparseSamples {
    /// Random KKT-like matrix: `P` sparse symmetric positive definite (diagonally dominant),
    /// `A` random sparse `m × n`, `D` positive diagonal; `density` is the off-diagonal fill rate.
    static func randomQuasiDefinite(primal n: Int, dual m: Int, density: Double,
                                    using rng: inout SeededGenerator) -> QuasiDefiniteSample {
        var triplets: [(row: Int, col: Int, value: Double)] = []
        var rowSums = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for i in 0..<j where Double.random(in: 0..<1, using: &rng) < density {
                let v = Double.random(in: -1...1, using: &rng)
                triplets.append((i, j, v))
                rowSums[i] += abs(v)
                rowSums[j] += abs(v)
            }
        }
        for j in 0..<n { triplets.append((j, j, rowSums[j] + Double.random(in: 0.1...2, using: &rng))) }
        for r in 0..<m {
            for i in 0..<n where Double.random(in: 0..<1, using: &rng) < density {
                triplets.append((i, n + r, Double.random(in: -2...2, using: &rng)))
            }
            triplets.append((n + r, n + r, -Double.random(in: 0.05...3, using: &rng)))
        }
        let signs = [Int8](repeating: 1, count: n) + [Int8](repeating: -1, count: m)
        return QuasiDefiniteSample(upper: SparseMatrixCSC(rows: n + m, cols: n + m, triplets: triplets), signs: signs)
    }

    /// Portfolio-style KKT matrix: variables `x` (assets) and `y` (factor exposures), constraints
    /// `y_f = Σ_i F_if x_i` (F about 3/4 dense), a budget row `Σ x = 1` (dense: the arrow) and
    /// bounds `x ≥ 0`; `P = diag`, `−W² = −diag`. Mirrored in References/amd_fill_reference.py.
    static func factorModelKKT(assets: Int, factors: Int) -> QuasiDefiniteSample {
        let variables = assets + factors
        var triplets: [(row: Int, col: Int, value: Double)] = []
        for i in 0..<assets { triplets.append((i, i, 1.0 + 0.01 * Double(i % 7))) }
        for f in 0..<factors { triplets.append((assets + f, assets + f, 2.0)) }
        var constraintRows: [[(Int, Double)]] = []
        for f in 0..<factors {
            var row = (0..<assets).filter { ($0 * 7 + f * 13) % 4 != 0 }
                .map { ($0, 0.1 + Double(($0 * 31 + f * 17) % 11) / 10) }
            row.append((assets + f, -1))
            constraintRows.append(row)
        }
        constraintRows.append((0..<assets).map { ($0, 1.0) })
        for i in 0..<assets { constraintRows.append([(i, -1.0)]) }
        for (r, row) in constraintRows.enumerated() {
            let column = variables + r
            for (i, value) in row { triplets.append((i, column, value)) }
            triplets.append((column, column, -(1.0 + 0.5 * Double(r % 5))))
        }
        let dimension = variables + constraintRows.count
        let signs = [Int8](repeating: 1, count: variables) + [Int8](repeating: -1, count: constraintRows.count)
        return QuasiDefiniteSample(upper: SparseMatrixCSC(rows: dimension, cols: dimension, triplets: triplets), signs: signs)
    }

    /// Upper triangle of the 5-point Laplacian on a `side × side` grid (natural row-major numbering).
    static func gridLaplacian(side: Int) -> SparseMatrixCSC {
        var triplets: [(row: Int, col: Int, value: Double)] = []
        for y in 0..<side {
            for x in 0..<side {
                let k = y * side + x
                triplets.append((k, k, 4))
                if x > 0 { triplets.append((k - 1, k, -1)) }
                if y > 0 { triplets.append((k - side, k, -1)) }
            }
        }
        return SparseMatrixCSC(rows: side * side, cols: side * side, triplets: triplets)
    }

    /// Dense symmetric matrix (row-major `[[Double]]`) from an upper triangle.
    static func denseSymmetric(_ upper: SparseMatrixCSC) -> [[Double]] {
        var k = [[Double]](repeating: [Double](repeating: 0, count: upper.cols), count: upper.cols)
        for j in 0..<upper.cols {
            for p in upper.colPointers[j]..<upper.colPointers[j + 1] {
                let i = upper.rowIndices[p]
                k[i][j] += upper.values[p]
                if i != j { k[j][i] += upper.values[p] }
            }
        }
        return k
    }

    /// Reference solve of `K x = b` by a dense LDLᵀ without pivoting in the natural order
    /// (valid for quasi-definite `K`), independent of the sparse code.
    static func denseLDLSolve(_ k: [[Double]], _ b: [Double]) -> [Double] {
        let n = b.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var d = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var djj = k[j][j]
            for s in 0..<j { djj -= l[j][s] * l[j][s] * d[s] }
            d[j] = djj
            for i in (j + 1)..<max(n, j + 1) {
                var v = k[i][j]
                for s in 0..<j { v -= l[i][s] * l[j][s] * d[s] }
                l[i][j] = v / djj
            }
        }
        var x = b
        for i in 0..<n { for s in 0..<i { x[i] -= l[i][s] * x[s] } }
        for i in 0..<n { x[i] /= d[i] }
        for i in stride(from: n - 1, through: 0, by: -1) { for s in (i + 1)..<max(n, i + 1) { x[i] -= l[s][i] * x[s] } }
        return x
    }

    static func randomVector(_ n: Int, using rng: inout SeededGenerator) -> [Double] {
        (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
    }

    static func infinityNorm(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }

    /// `‖K x − b‖∞ / ‖b‖∞` with `K` given by its upper triangle.
    static func relativeResidual(_ upper: SparseMatrixCSC, _ x: [Double], _ b: [Double]) -> Double {
        var kx: [Double] = []
        upper.multiplySymmetricUpper(x, into: &kx)
        return infinityNorm(zip(kx, b).map { $0 - $1 }) / infinityNorm(b)
    }

    static func isPermutation(_ p: [Int], of n: Int) -> Bool {
        guard p.count == n else { return false }
        var seen = [Bool](repeating: false, count: n)
        for i in p {
            guard i >= 0, i < n, !seen[i] else { return false }
            seen[i] = true
        }
        return true
    }
}
