import Testing
import TiltLinearAlgebra
@testable import TiltPortfolio

/// A small linear program of the shape `FreeSetModel.linearProgramOptimum` gives `BoundedSimplex`: n weights
/// within bounds, the budget row 1ᵀw = 1 and m limits lo ≤ aᵀw ≤ hi, each with a slack column (−e_j within
/// [lo, hi], or +e_j within [−hi, ∞) when only the upper end is finite).
private struct SmallProgram {
    let n: Int, m: Int
    var cost: [Double], matrix: [Double], h: [Double], lower: [Double], upper: [Double]
    var rows: Int { m + 1 }
    var columns: Int { cost.count }

    /// Random data drawn from small sets, so that ties (equal α) and degenerate vertices (a limit met
    /// exactly where bounds meet) are common.
    init(_ random: inout SplitMix64) {
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        n = pick([2, 3, 4, 5, 6])
        m = pick([1, 2])
        let continuous = random.uniform() < 0.3
        cost = (0..<n).map { _ in continuous ? random.uniform() : pick([0.1, 0.2, 0.3]) }
        lower = (0..<n).map { _ in pick([0, 0, 0, 0.1]) }
        upper = (0..<n).map { _ in pick([0.25, 0.5, 1, .infinity]) }
        matrix = []
        var coefficients: [[Double]] = []
        for _ in 0..<m { coefficients.append((0..<n).map { _ in continuous ? 2 * random.uniform() - 1 : pick([-1, 0, 0.5, 1]) }) }
        for i in 0..<n { matrix += [1] + coefficients.map { $0[i] } }
        h = [1] + [Double](repeating: 0, count: m)
        for j in 0..<m {
            var column = [Double](repeating: 0, count: m + 1)
            let ends: (Double, Double) = pick([(-.infinity, 0.25), (0, .infinity), (0, 0.5), (0.25, 0.25), (-0.5, 0), (-.infinity, 0)])
            if ends.0.isFinite {
                column[1 + j] = -1
                lower.append(ends.0)
                upper.append(ends.1)
            } else {
                column[1 + j] = 1
                lower.append(-ends.1)
                upper.append(.infinity)
            }
            matrix += column
            cost.append(0)
        }
    }

    /// The start `linearProgramOptimum` makes: the largest α at their upper bounds while the budget has
    /// room, the first that does not fit basic, the slacks basic (a dual-feasible basis).
    func cornerStart() -> (x: [Double], basis: [Int]) {
        var x = lower, left = 1 - lower.prefix(n).reduce(0, +), partial: Int?
        for i in (0..<n).sorted(by: { cost[$0] > cost[$1] }) {
            if upper[i] - lower[i] > left { partial = i; break }
            x[i] = upper[i]
            left -= upper[i] - lower[i]
        }
        return (x, [partial ?? 0] + Array(n..<columns))
    }

    /// Every column at its lower bound, the first weight and the slacks basic (for most data not dual
    /// feasible: the primal steps, phase one included, do the work).
    func lowerStart() -> (x: [Double], basis: [Int]) { (lower, [0] + Array(n..<columns)) }

    func solve(from start: (x: [Double], basis: [Int])) -> BoundedSimplex.Solution? {
        BoundedSimplex.maximize(c: cost, matrix: matrix, rows: rows, h: h, lower: lower, upper: upper,
                                start: start.x, basis: start.basis)
    }

    /// The optimum by enumeration: every choice of `rows` columns with a nonsingular matrix, every other
    /// column at one of its finite bounds, the basic values solved for and kept when within their bounds;
    /// nil when no vertex is feasible (a singular choice: LAPACK refuses it). (Each such program with a feasible point has a vertex optimum: the
    /// lower bounds are finite and the weights bounded by the budget row with the lower bounds.)
    func bruteForce() -> Double? {
        var best: Double?
        for basis in combinations(columns, rows) {
            let others = (0..<columns).filter { !basis.contains($0) }
            var b = Matrix(rows: rows, cols: rows, repeating: 0)
            for (r, j) in basis.enumerated() { for i in 0..<rows { b[i, r] = matrix[j * rows + i] } }
            for choice in 0..<(1 << others.count) {
                var x = lower
                var allFinite = true
                for (bit, j) in others.enumerated() where choice >> bit & 1 == 1 {
                    if upper[j].isFinite { x[j] = upper[j] } else { allFinite = false }
                }
                guard allFinite else { continue }
                var rhs = Matrix(rows: rows, cols: 1, repeating: 0)
                for i in 0..<rows { rhs[i, 0] = h[i] - others.reduce(0) { $0 + matrix[$1 * rows + i] * x[$1] } }
                guard let solved = try? Matrix.solve(b, rhs) else { continue }
                for (r, j) in basis.enumerated() { x[j] = solved[r, 0] }
                guard basis.allSatisfy({ x[$0] >= lower[$0] - 1e-9 && x[$0] <= upper[$0] + 1e-9 }) else { continue }
                let value = zip(cost, x).reduce(0) { $0 + $1.0 * $1.1 }
                best = max(best ?? -.infinity, value)
            }
        }
        return best
    }

    /// The optimality conditions of the answer, checked from scratch: A x = h, l ≤ x ≤ u exactly, and with
    /// the row prices π the reduced costs cⱼ − πᵀAⱼ are 0 on the basis, ≤ 0 at a lower bound, ≥ 0 at an
    /// upper one (0 strictly between), to `tolerance`.
    func isOptimal(_ solution: BoundedSimplex.Solution, tolerance: Double = 1e-9) -> Bool {
        let x = solution.x, prices = solution.prices
        for i in 0..<rows {
            let value = (0..<columns).reduce(0) { $0 + matrix[$1 * rows + i] * x[$1] }
            guard abs(value - h[i]) <= tolerance else { return false }
        }
        for j in 0..<columns {
            guard lower[j] <= x[j], x[j] <= upper[j] else { return false }
            let reduced = cost[j] - (0..<rows).reduce(0) { $0 + prices[$1] * matrix[j * rows + $1] }
            if solution.basis.contains(j) || (lower[j] < x[j] && x[j] < upper[j]) {
                guard abs(reduced) <= tolerance else { return false }
            }
            if x[j] == lower[j], x[j] < upper[j] { guard reduced <= tolerance else { return false } }
            if x[j] == upper[j], lower[j] < x[j] { guard reduced >= -tolerance else { return false } }
        }
        return true
    }
}

/// The k-element subsets of 0..<n, in increasing order.
private func combinations(_ n: Int, _ k: Int) -> [[Int]] {
    guard k > 0 else { return [[]] }
    guard n >= k else { return [] }
    return combinations(n - 1, k) + combinations(n - 1, k - 1).map { $0 + [n - 1] }
}

@Suite struct BoundedSimplexTests {
    /// 400 random programs (ties and degenerate vertices among them; some infeasible), each from the
    /// dual-feasible corner start and from every column at its lower bound: the optimum's value matches the
    /// enumeration's to 1e-9 and its optimality conditions hold, or both say there is none.
    @Test func matchesVertexEnumeration() {
        var random = SplitMix64(seed: 1503)
        var feasible = 0, infeasible = 0
        for trial in 0..<400 {
            let program = SmallProgram(&random)
            let expected = program.bruteForce()
            for start in [program.cornerStart(), program.lowerStart()] {
                let solution = program.solve(from: start)
                guard let expected else {
                    #expect(solution == nil, "trial \(trial): infeasible, yet an answer")
                    continue
                }
                guard let solution else {
                    Issue.record("trial \(trial): no answer, optimum \(expected)")
                    continue
                }
                let value = zip(program.cost, solution.x).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(value - expected) <= 1e-9, "trial \(trial): \(value) against \(expected)")
                #expect(program.isOptimal(solution), "trial \(trial): optimality conditions")
            }
            if expected == nil { infeasible += 1 } else { feasible += 1 }
        }
        // Both kinds occur (so both answers are tested).
        #expect(feasible > 200 && infeasible > 10, "\(feasible) feasible, \(infeasible) infeasible")
    }

    /// A degenerate vertex with tied costs: three weights of equal α, each at most 0.5, and a limit
    /// w₁ + w₂ ≤ 0.5 (its slack +σ within [−0.5, ∞), as `linearProgramOptimum` writes an upper end alone)
    /// met exactly at the start (w₁ = 0.5, w₂ = 0, the basic w₃ = 0.5 at its bound). Every feasible point is
    /// optimal (value 0.2); the answer must be one, with its optimality conditions.
    @Test func degenerateTiedVertex() {
        let cost: [Double] = [0.2, 0.2, 0.2, 0], upper: [Double] = [0.5, 0.5, 0.5, .infinity]
        let solution = BoundedSimplex.maximize(c: cost, matrix: [1, 1, 1, 1, 1, 0, 0, 1], rows: 2, h: [1, 0],
                                               lower: [0, 0, 0, -0.5], upper: upper, start: [0.5, 0, 0, 0], basis: [2, 3])
        #expect(solution != nil)
        if let solution {
            let x = solution.x
            #expect(abs(zip(cost, x).reduce(0) { $0 + $1.0 * $1.1 } - 0.2) <= 1e-12)
            #expect(abs(x[0] + x[1] + x[2] - 1) <= 1e-12 && abs(x[0] + x[1] + x[3]) <= 1e-12 && x[3] >= -0.5)
            #expect((0..<3).allSatisfy { x[$0] >= 0 && x[$0] <= 0.5 })
            #expect(abs(solution.prices[0] - 0.2) <= 1e-12 && abs(solution.prices[1]) <= 1e-12)
        }
    }

    /// Unbounded (a column with no entries in the rows, a positive cost and no upper bound) and a start
    /// that is not a basis (a singular one, a nonbasic column off its bounds) are answered nil.
    @Test func unboundedAndInvalidStarts() {
        let matrix: [Double] = [1, 1, 0]
        #expect(BoundedSimplex.maximize(c: [0.1, 0.2, 1], matrix: matrix, rows: 1, h: [1], lower: [0, 0, 0],
                                        upper: [1, 1, .infinity], start: [0, 0, 0], basis: [0]) == nil)
        #expect(BoundedSimplex.maximize(c: [0.1, 0.2, 0], matrix: matrix, rows: 1, h: [1], lower: [0, 0, 0],
                                        upper: [1, 1, 1], start: [0, 0, 0], basis: [2]) == nil)
        #expect(BoundedSimplex.maximize(c: [0.1, 0.2, 0], matrix: matrix, rows: 1, h: [1], lower: [0, 0, 0],
                                        upper: [1, 1, 1], start: [0, 0.5, 0], basis: [0]) == nil)
        // The same program from a valid start: w₂ = 1.
        let solution = BoundedSimplex.maximize(c: [0.1, 0.2, 0], matrix: matrix, rows: 1, h: [1], lower: [0, 0, 0],
                                               upper: [1, 1, 1], start: [0, 0, 0], basis: [0])
        #expect(solution?.x == [0, 1, 0])
    }
}
