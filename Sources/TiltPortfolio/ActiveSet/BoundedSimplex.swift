/// A linear program with few rows and many bounded columns,
///
///     maximize cᵀx   s.t.  A x = h,  l ≤ x ≤ u   (every l finite; u finite or +∞),
///
/// solved by the bounded-variable revised simplex method from a starting basis the caller chooses. Written
/// for `FactorPortfolioSolver`'s budget-slack case — the rows are the budget, the linear limits and the
/// turnover limit, a dozen at most, over 48–5,000 weights — so the basis is M × M for M rows, held as an
/// explicit inverse updated at each pivot (product form, O(M²)) and recomputed from the basis every
/// `refactorInterval` pivots and before the answer; the nonbasic columns sit at a bound, and a step costs
/// O(N·M) for one pass over the N columns.
///
/// From a dual-feasible start — every nonbasic reduced cost of the sign its bound allows, as at the
/// caller's start, the best corner without the limits with the limits' slacks basic — the dual simplex
/// method with bound flipping (`dual`) adds the violated rows in a few steps and ends at the optimum; the
/// primal steps (`run`) then confirm it on a freshly computed inverse. From any other start, or where the
/// dual steps stop, the primal steps do the work: basic values outside their bounds are repaired first by
/// minimising the sum of the infeasibilities (the composite phase one: the same steps with the cost +1 on
/// a basic value below its lower bound, −1 above its upper one, stopping at the first bound any basic value
/// meets), then the program's own cost is maximised. Dantzig's rule picks the entering column, the ratio
/// test the leaving one (on ties the larger pivot), and after `degenerateRun` steps in a row that move
/// nothing Bland's rule (smallest index entering and leaving) takes over until a step moves, so neither
/// method cycles. Nil when the program is infeasible, unbounded, the start is not a basis, or the basis
/// degenerates numerically: the caller then has the interior-point method.
///
/// Its data and state live in one workspace allocated per program and reached through pointers (so the
/// type is noncopyable and frees it on deinit): the steps take a few microseconds at the sizes above,
/// where array bookkeeping — a uniqueness check on every write, allocations per refactorisation — cost
/// more than the arithmetic.
struct BoundedSimplex: ~Copyable {
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
    /// Pivots after which the basis inverse is recomputed rather than updated (bounds the rounding the
    /// updates accumulate).
    static let refactorInterval = 32
    /// How far outside its bound a basic value may lie and still count as feasible, relative to
    /// max(1, |bound|); a final value outside by less is put on the bound.
    static let feasibilityTolerance = 1e-9
    /// Entries of B⁻¹Aⱼ smaller than this are zero to the ratio test.
    static let pivotTolerance = 1e-11

    let m: Int, n: Int
    /// M × N, column-major (a column's entries together: the basis, the ratio test, the flips).
    let matrix: UnsafeMutablePointer<Double>
    /// The same, row-major: the passes over all N columns (`columnProducts`) run along contiguous rows.
    let rowMajor: UnsafeMutablePointer<Double>
    let h: UnsafeMutablePointer<Double>
    let cost: UnsafeMutablePointer<Double>
    let lower: UnsafeMutablePointer<Double>
    let upper: UnsafeMutablePointer<Double>
    /// The current point: nonbasic columns exactly at a bound, basic ones from the basis.
    let x: UnsafeMutablePointer<Double>
    let basis: UnsafeMutablePointer<Int>
    /// The row a column is basic in, −1 when it is nonbasic.
    let row: UnsafeMutablePointer<Int>
    /// B⁻¹, M × M row-major, and the pivots since it was last computed from the basis.
    let inverse: UnsafeMutablePointer<Double>
    var updates = 0
    /// How far a reduced cost may lie on the wrong side of 0 at an optimum: 1e-11 relative to the largest cost.
    let optimality: Double
    /// Scratch: N-vectors (reduced costs or price products, a row of B⁻¹A, the dual ratio test's ratios and
    /// columns) and M-vectors (a column B⁻¹Aⱼ, prices, basic costs, a row of B⁻¹), the refactorisation's
    /// two M × M matrices.
    let reduced: UnsafeMutablePointer<Double>, rowEntries: UnsafeMutablePointer<Double>
    let candidateRatios: UnsafeMutablePointer<Double>, candidateColumns: UnsafeMutablePointer<Int>
    let column: UnsafeMutablePointer<Double>, prices: UnsafeMutablePointer<Double>
    let basicCost: UnsafeMutablePointer<Double>, vector: UnsafeMutablePointer<Double>
    let factors: UnsafeMutablePointer<Double>, inverted: UnsafeMutablePointer<Double>
    private let doubles: UnsafeMutablePointer<Double>, integers: UnsafeMutablePointer<Int>

    /// The optimum from `start` (a value for every column; the columns not in `basis` exactly at a finite
    /// bound, those in it free to take any value — the basic values are computed from the rest) and
    /// `basis` (M distinct columns whose matrix is nonsingular); nil when there is none (see above).
    static func maximize(c: [Double], matrix: [Double], rows m: Int, h: [Double], lower: [Double], upper: [Double],
                         start: [Double], basis: [Int]) -> Solution? {
        let n = c.count
        guard m >= 1, matrix.count == m * n, h.count == m, lower.count == n, upper.count == n, start.count == n,
              basis.count == m, zip(lower, upper).allSatisfy({ $0.isFinite && $0 <= $1 }) else { return nil }
        var simplex = BoundedSimplex(m: m, n: n, optimality: 1e-11 * max(1, c.reduce(0) { max($0, abs($1)) }))
        for j in 0..<n { simplex.row[j] = -1 }
        for (r, j) in basis.enumerated() {
            guard j >= 0, j < n, simplex.row[j] < 0 else { return nil }
            simplex.row[j] = r
            simplex.basis[r] = j
        }
        for j in 0..<n where simplex.row[j] < 0 { guard start[j] == lower[j] || start[j] == upper[j] else { return nil } }
        for j in 0..<n {
            simplex.cost[j] = c[j]
            simplex.lower[j] = lower[j]
            simplex.upper[j] = upper[j]
            simplex.x[j] = start[j]
            for i in 0..<m {
                simplex.matrix[j * m + i] = matrix[j * m + i]
                simplex.rowMajor[i * n + j] = matrix[j * m + i]
            }
        }
        for i in 0..<m { simplex.h[i] = h[i] }
        guard simplex.refactor() else { return nil }
        // From a dual-feasible start the dual method ends at the optimum; the primal steps then only confirm
        // it (or finish what the dual method left: rounding, a program it found infeasible).
        simplex.dual()
        guard simplex.updates == 0 || simplex.refactor(), simplex.run() else { return nil }
        return simplex.solution()
    }

    /// The workspace for M rows and N columns: `maximize` fills the data, the basis and the start.
    private init(m: Int, n: Int, optimality: Double) {
        self.m = m
        self.n = n
        self.optimality = optimality
        let doubleCount = 2 * m * n + 7 * n + 5 * m + 3 * m * m
        // Left uninitialised: every entry is written before it is read (plain doubles and integers).
        doubles = .allocate(capacity: doubleCount)
        integers = .allocate(capacity: m + 2 * n)
        var next = doubles
        func take(_ count: Int) -> UnsafeMutablePointer<Double> {
            defer { next += count }
            return next
        }
        matrix = take(m * n)
        rowMajor = take(m * n)
        cost = take(n)
        lower = take(n)
        upper = take(n)
        x = take(n)
        reduced = take(n)
        rowEntries = take(n)
        candidateRatios = take(n)
        h = take(m)
        column = take(m)
        prices = take(m)
        basicCost = take(m)
        vector = take(m)
        inverse = take(m * m)
        factors = take(m * m)
        inverted = take(m * m)
        basis = integers
        row = integers + m
        candidateColumns = integers + m + n
    }

    deinit {
        doubles.deallocate()
        integers.deallocate()
    }

    /// Dual simplex steps while the basis is dual feasible (every nonbasic column's reduced cost
    /// cⱼ − πᵀAⱼ ≤ 0 at its lower bound, ≥ 0 at its upper) and a basic value lies outside its bounds: that
    /// value leaves at the bound it violates, and the entering column is one whose reduced cost reaches 0 as
    /// the prices move (the dual ratio test; those reaching 0 before it flip to their other bound), so the
    /// basis stays dual feasible and ends optimal once every basic value is within its bounds. The best
    /// corner without the limits is such a basis (its prices are the α of the weight filled last and 0 for
    /// the limits), so the limits are added in a few steps; a start that is not dual feasible is left to
    /// the primal steps. Stops (leaving the rest to the primal steps) when no column can enter — the
    /// program is then infeasible — or on a failed refactorisation; the most violated value leaves, the
    /// smallest index after `degenerateRun` steps that leave the prices unchanged (Bland's rule for the dual).
    private mutating func dual() {
        guard reducedCosts() else { return }
        var degenerate = 0
        for _ in 0..<Self.maximumIterations {
            if updates >= Self.refactorInterval { guard refactor(), reducedCosts() else { return } }
            let bland = degenerate >= Self.degenerateRun
            // Leaving: a basic value outside its bounds.
            var leaving = -1, worst = 0.0
            for r in 0..<m {
                let j = basis[r]
                let outside = max(lower[j] - tolerance(lower[j]) - x[j], x[j] - upper[j] - tolerance(upper[j]))
                guard outside > 0, leaving < 0 || (bland ? j < basis[leaving] : outside > worst) else { continue }
                leaving = r
                worst = outside
            }
            guard leaving >= 0 else { return }
            let left = basis[leaving], below = x[left] < lower[left]
            let bound = below ? lower[left] : upper[left]
            // Row `leaving` of B⁻¹A. Candidates: the columns whose move off their bound takes the leaving value
            // towards its bound (x_B(leaving) changes by −a per unit of x_j; x_j can rise from its lower bound,
            // fall from its upper), each with the ratio |d_j / a_j| at which its reduced cost reaches 0.
            for i in 0..<m { vector[i] = inverse[leaving * m + i] }
            columnProducts(vector, into: rowEntries)
            var candidates = 0
            for j in 0..<n where row[j] < 0 && lower[j] < upper[j] {
                let a = rowEntries[j]
                guard abs(a) > Self.pivotTolerance else { continue }
                let atLower = x[j] == lower[j]
                guard below == (atLower ? a < 0 : a > 0) else { continue }
                candidateRatios[candidates] = (atLower ? max(0, -reduced[j]) : max(0, reduced[j])) / abs(a)
                candidateColumns[candidates] = j
                candidates += 1
            }
            // Bound flipping (the long-step dual ratio test): past its ratio a candidate belongs at its other
            // bound, which takes |a_j|·(u_j − l_j) off the leaving value's infeasibility; taken in the order of
            // their ratios, the first candidate that would take all that is left (or has no other bound) enters
            // and those before it flip. Ties: the larger pivot; under Bland's rule the smallest index, no flips.
            var remaining = abs(x[left] - bound), entering = -1, flips = 0
            while flips < candidates {
                var next = flips
                for c in (flips + 1)..<candidates {
                    let ratio = candidateRatios[c], j = candidateColumns[c]
                    let best = candidateRatios[next], k = candidateColumns[next]
                    if ratio < best || ratio == best && (bland ? j < k : abs(rowEntries[j]) > abs(rowEntries[k])) { next = c }
                }
                if next != flips {
                    (candidateRatios[flips], candidateRatios[next]) = (candidateRatios[next], candidateRatios[flips])
                    (candidateColumns[flips], candidateColumns[next]) = (candidateColumns[next], candidateColumns[flips])
                }
                let j = candidateColumns[flips], reach = abs(rowEntries[j]) * (upper[j] - lower[j])
                if bland || reach >= remaining {
                    entering = j
                    break
                }
                remaining -= reach
                flips += 1
            }
            guard entering >= 0 else { return }
            if flips > 0 {
                // x_B −= B⁻¹ (Σ A_j Δx_j) over the flipped columns.
                for i in 0..<m { vector[i] = 0 }
                for c in 0..<flips {
                    let j = candidateColumns[c]
                    let target = x[j] == lower[j] ? upper[j] : lower[j], change = target - x[j]
                    x[j] = target
                    for i in 0..<m { vector[i] += matrix[j * m + i] * change }
                }
                for r in 0..<m {
                    var sum = 0.0
                    for i in 0..<m { sum += inverse[r * m + i] * vector[i] }
                    x[basis[r]] -= sum
                }
            }
            // The primal step: the entering value moves until the leaving one is at its bound.
            basisSolve(entering)
            let step = (x[left] - bound) / column[leaving]
            for r in 0..<m { x[basis[r]] -= step * column[r] }
            x[entering] += step
            x[left] = bound
            // The dual step: the prices move by θ = d_q / a_q along row `leaving` of B⁻¹ (over every column —
            // a basic one's entry is never read — so that the loop vectorises).
            let theta = reduced[entering] / rowEntries[entering]
            for j in 0..<n { reduced[j] -= theta * rowEntries[j] }
            reduced[entering] = 0
            reduced[left] = -theta
            degenerate = theta == 0 ? degenerate + 1 : 0
            row[left] = -1
            row[entering] = leaving
            basis[leaving] = entering
            pivot(on: leaving)
        }
    }

    /// The nonbasic columns' reduced costs cⱼ − πᵀAⱼ (into `reduced`) from the prices π = c_Bᵀ B⁻¹; false
    /// when one has the wrong sign for the bound its column sits at (by more than `optimality`): the basis is
    /// not dual feasible.
    private func reducedCosts() -> Bool {
        for r in 0..<m { basicCost[r] = cost[basis[r]] }
        computePrices()
        columnProducts(prices, into: reduced)
        var feasible = true
        for j in 0..<n where row[j] < 0 {
            reduced[j] = cost[j] - reduced[j]
            if lower[j] < upper[j], x[j] == lower[j] ? reduced[j] > optimality : reduced[j] < -optimality { feasible = false }
        }
        return feasible
    }

    /// Simplex steps until no column prices in at a feasible point (true), or a failure (false).
    private mutating func run() -> Bool {
        let products = reduced
        var degenerate = 0, wasFeasible = false
        for _ in 0..<Self.maximumIterations {
            if updates >= Self.refactorInterval { guard refactor() else { return false } }
            // Phase one while a basic value is outside its bounds (cost: towards them), else the program's cost.
            var feasible = true
            for r in 0..<m {
                let j = basis[r]
                basicCost[r] = x[j] < lower[j] - tolerance(lower[j]) ? 1 : x[j] > upper[j] + tolerance(upper[j]) ? -1 : 0
                if basicCost[r] != 0 { feasible = false }
            }
            if feasible { for r in 0..<m { basicCost[r] = cost[basis[r]] } }
            if feasible != wasFeasible { degenerate = 0 }
            wasFeasible = feasible
            computePrices()
            columnProducts(prices, into: products)

            // Entering column: a nonbasic one whose move off its bound improves the objective.
            let bland = degenerate >= Self.degenerateRun
            var entering = -1, direction = 0.0, gain = 0.0
            for j in 0..<n where row[j] < 0 && lower[j] < upper[j] {
                let reduced = (feasible ? cost[j] : 0) - products[j]
                let sign: Double
                if x[j] == lower[j], reduced > optimality { sign = 1 }
                else if x[j] == upper[j], reduced < -optimality { sign = -1 }
                else { continue }
                if abs(reduced) > gain { entering = j; direction = sign; gain = abs(reduced) }
                if bland { break }
            }
            guard entering >= 0 else {
                // Optimal with the updated inverse: confirm with one computed afresh.
                if updates > 0 { guard refactor() else { return false }; continue }
                return feasible
            }

            // Ratio test: the basic value that meets a bound first (a feasible one the bound it moves to, an
            // infeasible one the bound it violates), or the entering column's own other bound.
            basisSolve(entering)
            var step = upper[entering] - lower[entering], leaving = -1, leavingBound = 0.0
            for r in 0..<m {
                let rate = -direction * column[r], j = basis[r]
                guard abs(rate) > Self.pivotTolerance else { continue }
                let bound: Double
                if rate < 0 {
                    // Falling: a value above its upper bound meets it, a feasible one its lower bound.
                    if x[j] > upper[j] + tolerance(upper[j]) { bound = upper[j] }
                    else if x[j] >= lower[j] - tolerance(lower[j]) { bound = lower[j] }
                    else { continue }
                } else {
                    if x[j] < lower[j] - tolerance(lower[j]) { bound = lower[j] }
                    else if x[j] <= upper[j] + tolerance(upper[j]), upper[j] < .infinity { bound = upper[j] }
                    else { continue }
                }
                let room = max(0, (bound - x[j]) / rate), tie = 1e-12 * max(1, step.isFinite ? step : 0)
                // Ties: the entering column's own bound (no pivot), else Bland's smallest index or the larger pivot.
                let better = room < step - tie
                    || room <= step + tie && leaving >= 0 && (bland ? j < basis[leaving] : abs(rate) > abs(column[leaving]))
                if better {
                    step = room
                    leaving = r
                    leavingBound = bound
                }
            }
            guard step.isFinite else { return false }
            degenerate = step == 0 ? degenerate + 1 : 0
            for r in 0..<m { x[basis[r]] -= direction * step * column[r] }
            guard leaving >= 0 else {
                x[entering] = direction > 0 ? upper[entering] : lower[entering]
                continue
            }
            let left = basis[leaving]
            x[left] = leavingBound
            x[entering] = (direction > 0 ? lower[entering] : upper[entering]) + direction * step
            row[left] = -1
            row[entering] = leaving
            basis[leaving] = entering
            pivot(on: leaving)
        }
        return false
    }

    /// π = c_Bᵀ B⁻¹ (into `prices`) for the basic costs in `basicCost` (one per row).
    private func computePrices() {
        for i in 0..<m {
            var sum = 0.0
            for r in 0..<m { sum += basicCost[r] * inverse[r * m + i] }
            prices[i] = sum
        }
    }

    /// vᵀAⱼ for every column j — the callers read the nonbasic ones — summed over i in order as a dot product
    /// would: the prices' pass over the columns, or a row of B⁻¹'s, O(N·M) and the method's main cost, so along
    /// the rows of `rowMajor` (contiguous, so the loop vectorises).
    private func columnProducts(_ v: UnsafeMutablePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        for j in 0..<n { out[j] = 0 }
        for i in 0..<m {
            let factor = v[i], entries = rowMajor + i * n
            for j in 0..<n { out[j] += factor * entries[j] }
        }
    }

    /// B⁻¹Aⱼ, into `column`.
    private func basisSolve(_ j: Int) {
        for r in 0..<m {
            var sum = 0.0
            for i in 0..<m { sum += inverse[r * m + i] * matrix[j * m + i] }
            column[r] = sum
        }
    }

    /// The feasibility tolerance at a bound.
    private func tolerance(_ bound: Double) -> Double {
        Self.feasibilityTolerance * max(1, bound.isFinite ? abs(bound) : 1)
    }

    /// B⁻¹ after the column with B⁻¹Aⱼ = `column` replaces the basic column of row r: row r divided by the
    /// pivot, the pivot column eliminated from the other rows.
    private mutating func pivot(on r: Int) {
        let pivot = column[r]
        for c in 0..<m { inverse[r * m + c] /= pivot }
        for i in 0..<m where i != r && column[i] != 0 {
            let factor = column[i]
            for c in 0..<m { inverse[i * m + c] -= factor * inverse[r * m + c] }
        }
        updates += 1
    }

    /// B⁻¹ computed from the basis (Gauss–Jordan with partial pivoting) and the basic values from the
    /// nonbasic ones, x_B = B⁻¹(h − A_N x_N); false when the basis is numerically singular.
    private mutating func refactor() -> Bool {
        let b = factors, inv = inverted
        for r in 0..<m { for i in 0..<m { b[i * m + r] = matrix[basis[r] * m + i] } }
        for e in 0..<(m * m) { inv[e] = 0 }
        for i in 0..<m { inv[i * m + i] = 1 }
        var scale = 0.0
        for e in 0..<(m * m) { scale = max(scale, abs(b[e])) }
        for c in 0..<m {
            var p = c
            for i in (c + 1)..<m where abs(b[i * m + c]) > abs(b[p * m + c]) { p = i }
            guard abs(b[p * m + c]) > 1e-12 * scale else { return false }
            if p != c {
                for k in 0..<m {
                    (b[p * m + k], b[c * m + k]) = (b[c * m + k], b[p * m + k])
                    (inv[p * m + k], inv[c * m + k]) = (inv[c * m + k], inv[p * m + k])
                }
            }
            let pivot = b[c * m + c]
            for k in 0..<m {
                b[c * m + k] /= pivot
                inv[c * m + k] /= pivot
            }
            for i in 0..<m where i != c && b[i * m + c] != 0 {
                let factor = b[i * m + c]
                for k in 0..<m {
                    b[i * m + k] -= factor * b[c * m + k]
                    inv[i * m + k] -= factor * inv[c * m + k]
                }
            }
        }
        inverse.update(from: inv, count: m * m)
        updates = 0
        let rhs = vector
        for i in 0..<m { rhs[i] = h[i] }
        for j in 0..<n where row[j] < 0 && x[j] != 0 { for i in 0..<m { rhs[i] -= matrix[j * m + i] * x[j] } }
        for r in 0..<m {
            var sum = 0.0
            for i in 0..<m { sum += inverse[r * m + i] * rhs[i] }
            x[basis[r]] = sum
        }
        return true
    }

    /// The answer at the optimal basis (its inverse just computed afresh by `run`): basic values outside
    /// their bounds by rounding put on them, and the row prices π = c_Bᵀ B⁻¹.
    private func solution() -> Solution {
        var values = Array(UnsafeBufferPointer(start: x, count: n))
        for r in 0..<m {
            let j = basis[r]
            if values[j] < lower[j] { values[j] = lower[j] }
            if values[j] > upper[j] { values[j] = upper[j] }
        }
        for r in 0..<m { basicCost[r] = cost[basis[r]] }
        computePrices()
        return Solution(x: values, prices: Array(UnsafeBufferPointer(start: prices, count: m)),
                        basis: Array(UnsafeBufferPointer(start: basis, count: m)))
    }
}
