import TiltLinearAlgebra

/// A linear program with few rows and many bounded columns,
///
///     maximize cᵀx   s.t.  A x = h,  l ≤ x ≤ u   (every l finite; u finite or +∞),
///
/// solved by the bounded-variable primal simplex method in two phases (artificial variables first;
/// Dantzig's rule, Bland's smallest index after a run of degenerate steps). Written for
/// `FactorPortfolioSolver`'s budget-slack case — the rows are the budget, the linear limits and the
/// turnover limit, a dozen at most — so the basis is a small dense matrix inverted afresh at each step and
/// a step costs O(N·M) for the prices of N columns and M rows. Nil when the program is infeasible,
/// unbounded, or the basis degenerates numerically: the caller then has the interior-point method.
struct BoundedSimplex {
    /// M × N, column-major.
    let matrix: [Double]
    let rowCount: Int
    let h: [Double]

    /// The optimum, the row prices π (reduced costs cⱼ − πᵀAⱼ: ≤ 0 at a lower bound, ≥ 0 at an upper) and
    /// the basis (one column per row; the other columns sit at a bound).
    struct Solution {
        var x: [Double]
        var prices: [Double]
        var basis: [Int]
    }

    static let maximumIterations = 5_000
    /// Degenerate steps in a row after which Bland's rule replaces Dantzig's.
    static let degenerateRun = 20

    static func maximize(c: [Double], matrix: [Double], rows m: Int, h: [Double], lower: [Double], upper: [Double]) -> Solution? {
        let n = c.count
        guard m >= 1, matrix.count == m * n, h.count == m, lower.count == n, upper.count == n,
              lower.allSatisfy(\.isFinite), zip(lower, upper).allSatisfy({ $0 <= $1 }) else { return nil }
        let program = BoundedSimplex(matrix: matrix, rowCount: m, h: h)
        // Phase 1: structural columns at their lower bounds, one artificial per row holding |h − A x|.
        var state = State(x: lower + [Double](repeating: 0, count: m), lower: lower + [Double](repeating: 0, count: m),
                          upper: upper + [Double](repeating: .infinity, count: m), basis: Array(n..<(n + m)), signs: [])
        let residual = program.residual(state.x, structural: n)
        state.signs = residual.map { $0 >= 0 ? 1 : -1 }
        for i in 0..<m { state.x[n + i] = abs(residual[i]) }
        let phaseOne = [Double](repeating: 0, count: n) + [Double](repeating: -1, count: m)
        guard program.run(&state, cost: phaseOne, structural: n) else { return nil }
        let scale = max(1, h.map(abs).max() ?? 0)
        guard (n..<(n + m)).allSatisfy({ state.x[$0] <= 1e-9 * scale }) else { return nil }
        // Artificials leave: fixed at 0, and out of the basis where a structural column can replace them.
        for i in n..<(n + m) { state.x[i] = 0; state.upper[i] = 0 }
        guard program.pivotOutArtificials(&state, structural: n) else { return nil }
        // Phase 2.
        let phaseTwo = c + [Double](repeating: 0, count: m)
        guard program.run(&state, cost: phaseTwo, structural: n), let inverse = program.basisInverse(state) else { return nil }
        let prices = (0..<m).map { r in (0..<m).reduce(0) { $0 + phaseTwo[state.basis[$1]] * inverse[$1, r] } }
        return Solution(x: Array(state.x.prefix(n)), prices: prices, basis: state.basis)
    }

    /// The simplex's state over N structural columns and M artificial ones (column n + i is signs[i]·e_i).
    struct State {
        var x: [Double]
        var lower: [Double]
        var upper: [Double]
        var basis: [Int]
        var signs: [Double]
    }

    /// Entry (i, j) of [A, diag(signs)].
    private func entry(_ i: Int, _ j: Int, _ state: State, structural n: Int) -> Double {
        j < n ? matrix[j * rowCount + i] : (j - n == i ? state.signs[i] : 0)
    }

    /// h − A x over the structural columns.
    private func residual(_ x: [Double], structural n: Int) -> [Double] {
        var r = h
        for j in 0..<n where x[j] != 0 { for i in 0..<rowCount { r[i] -= matrix[j * rowCount + i] * x[j] } }
        return r
    }

    private func basisInverse(_ state: State) -> Matrix? {
        let n = state.x.count - rowCount
        var b = Matrix(rows: rowCount, cols: rowCount, repeating: 0)
        for (r, j) in state.basis.enumerated() { for i in 0..<rowCount { b[i, r] = entry(i, j, state, structural: n) } }
        return try? b.inverse()
    }

    /// Simplex steps with `cost` until no column prices in (true), or a failure (false).
    private func run(_ state: inout State, cost: [Double], structural n: Int) -> Bool {
        let total = state.x.count
        var isBasic = [Bool](repeating: false, count: total)
        for j in state.basis { isBasic[j] = true }
        let tolerance = 1e-11 * max(1, cost.map(abs).max() ?? 0)
        var degenerate = 0
        for _ in 0..<Self.maximumIterations {
            guard let inverse = basisInverse(state) else { return false }
            // Basic values from the nonbasic ones (kept exact at their bounds), then the row prices.
            var rhs = h
            for j in 0..<total where !isBasic[j] && state.x[j] != 0 {
                for i in 0..<rowCount { rhs[i] -= entry(i, j, state, structural: n) * state.x[j] }
            }
            for (r, j) in state.basis.enumerated() { state.x[j] = (0..<rowCount).reduce(0) { $0 + inverse[r, $1] * rhs[$1] } }
            let prices = (0..<rowCount).map { i in (0..<rowCount).reduce(0) { $0 + cost[state.basis[$1]] * inverse[$1, i] } }

            // Entering column: a nonbasic one whose move off its bound improves the objective.
            var entering: (column: Int, direction: Double, gain: Double)?
            for j in 0..<total where !isBasic[j] && state.lower[j] < state.upper[j] {
                var reduced = cost[j]
                for i in 0..<rowCount { reduced -= prices[i] * entry(i, j, state, structural: n) }
                let direction: Double
                if state.x[j] == state.lower[j], reduced > tolerance { direction = 1 }
                else if state.x[j] == state.upper[j], reduced < -tolerance { direction = -1 }
                else { continue }
                if degenerate >= Self.degenerateRun { entering = (j, direction, abs(reduced)); break }
                if abs(reduced) > entering?.gain ?? 0 { entering = (j, direction, abs(reduced)) }
            }
            guard let (j, direction, _) = entering else { return true }

            // Ratio test: the basic variable that reaches a bound first, or the entering one's own other bound.
            let column = (0..<rowCount).map { r in (0..<rowCount).reduce(0) { $0 + inverse[r, $1] * entry($1, j, state, structural: n) } }
            var step = state.upper[j] - state.lower[j], leaving: (row: Int, bound: Double)?
            for (r, basic) in state.basis.enumerated() {
                let change = -direction * column[r]
                if change < -1e-11 {
                    let room = (state.x[basic] - state.lower[basic]) / -change
                    if room < step { step = max(0, room); leaving = (r, state.lower[basic]) }
                } else if change > 1e-11, state.upper[basic] < .infinity {
                    let room = (state.upper[basic] - state.x[basic]) / change
                    if room < step { step = max(0, room); leaving = (r, state.upper[basic]) }
                }
            }
            guard step.isFinite else { return false }
            degenerate = step == 0 ? degenerate + 1 : 0
            if let leaving {
                let basic = state.basis[leaving.row]
                state.x[basic] = leaving.bound
                isBasic[basic] = false
                state.x[j] += direction * step
                state.basis[leaving.row] = j
                isBasic[j] = true
            } else {
                state.x[j] = direction > 0 ? state.upper[j] : state.lower[j]
            }
        }
        return false
    }

    /// Replaces each artificial column still in the basis (at 0) by a structural one with a nonzero entry
    /// in its row of B⁻¹A; false when there is none (a redundant row).
    private func pivotOutArtificials(_ state: inout State, structural n: Int) -> Bool {
        for r in 0..<rowCount where state.basis[r] >= n {
            guard let inverse = basisInverse(state) else { return false }
            let isBasic = Set(state.basis)
            guard let j = (0..<n).first(where: { j in
                !isBasic.contains(j) && abs((0..<rowCount).reduce(0) { $0 + inverse[r, $1] * matrix[j * rowCount + $1] }) > 1e-9
            }) else { return false }
            state.basis[r] = j
        }
        return true
    }
}
