import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltSolver

/// Random small LPs, QPs and SOCPs whose answer is known by construction, solved at default settings:
///
/// - **optimal**: choose x*, and for every cone a complementary pair (s*, z*) — a nonnegative row active
///   (s = 0 < z), inactive (s > 0 = z) or degenerate (both 0); a second-order cone with s on the boundary and
///   z on the opposite ray, or one of them zero; zero rows with a free z — then a random sparse A, a P = MᵀM
///   of random rank (0 for an LP), b = Ax* + s*, q = −Px* − Aᵀz*. (x*, s*, z*) satisfies the KKT conditions,
///   so the optimum is ½x*ᵀPx* + qᵀx* (x* need not be the only optimal point).
/// - **infeasible**: a y ≥ 0 on the inequality rows with Aᵀy = 0 (the last row of A solved for) and bᵀy < 0.
/// - **unbounded**: an LP with a direction d, Ad ≤ 0 on inequality rows, Ad = 0 on equality rows, qᵀd = −1,
///   and a feasible point.
/// Row scales vary over four decades. No answer may be wrong: "optimal" within 1e-6 of the optimum
/// (relative to max(1, |optimum|)), no certificate for a problem that has an optimum, no "optimal" for one
/// without, and every certificate returned holds on the data, checked here independently of the solver.
/// (An infeasible problem may also be dual infeasible: a valid unbounded direction is then a right answer.) The bounded fast run checks `count` problems (300) from a fixed seed; a developer run sets
/// `TILT_SOLVER_FUZZ_COUNT` (and `TILT_SOLVER_FUZZ_SEED`), e.g. 100,000 (Docs/solver.md).
enum SolverFuzz {
    enum Expected { case optimal(Double), infeasible, unbounded }

    struct Outcome {
        var counts: [String: Int] = [:]
        var wrong: [String] = []
        var notSolved: [String] = []
    }

    static func gaussian(_ random: inout SplitMix64) -> Double {
        (-2 * log(max(random.uniform(), 1e-300))).squareRoot() * cos(2 * .pi * random.uniform())
    }

    static func uniform(_ random: inout SplitMix64, _ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * random.uniform()
    }

    static func integer(_ random: inout SplitMix64, _ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(random.next() % UInt64(range.count))
    }

    /// A random problem and its known answer.
    static func problem(_ random: inout SplitMix64) -> (ConicProblem, Expected) {
        let kind = random.uniform()
        if kind < 0.15 { return infeasible(&random) }
        if kind < 0.3 { return unbounded(&random) }
        return optimal(&random)
    }

    /// Dense rows → a sparse A, each row scaled by 10^U(−2, 2).
    private static func randomRows(_ m: Int, _ n: Int, _ random: inout SplitMix64, density: Double = 0.6) -> [[Double]] {
        (0..<m).map { _ in
            let scale = pow(10, uniform(&random, -2...2))
            var row = (0..<n).map { _ in random.uniform() < density ? scale * gaussian(&random) : 0 }
            if row.allSatisfy({ $0 == 0 }) { row[integer(&random, 0...(n - 1))] = scale }
            return row
        }
    }

    private static func sparse(_ rows: [[Double]], cols n: Int) -> SparseMatrixCSC {
        var triplets: [(row: Int, col: Int, value: Double)] = []
        for (i, row) in rows.enumerated() { for (j, v) in row.enumerated() where v != 0 { triplets.append((i, j, v)) } }
        return SparseMatrixCSC(rows: rows.count, cols: n, triplets: triplets)
    }

    /// P = MᵀM with M of `rank` random rows (upper triangle), and the dense P.
    private static func randomPSD(_ n: Int, rank: Int, _ random: inout SplitMix64, orthogonalTo d: [Double]? = nil)
        -> (SparseMatrixCSC, [[Double]]) {
        var m = (0..<rank).map { _ in (0..<n).map { _ in gaussian(&random) } }
        if let d {
            let dd = d.reduce(0) { $0 + $1 * $1 }
            m = m.map { row in
                let t = zip(row, d).reduce(0) { $0 + $1.0 * $1.1 } / dd
                return zip(row, d).map { $0 - t * $1 }
            }
        }
        var dense = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for row in m { for i in 0..<n { for j in 0..<n { dense[i][j] += row[i] * row[j] } } }
        var triplets: [(row: Int, col: Int, value: Double)] = []
        for j in 0..<n { for i in 0...j where dense[i][j] != 0 { triplets.append((i, j, dense[i][j])) } }
        return (SparseMatrixCSC(rows: n, cols: n, triplets: triplets), dense)
    }

    private static func multiply(_ rows: [[Double]], _ x: [Double]) -> [Double] {
        rows.map { zip($0, x).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    static func optimal(_ random: inout SplitMix64) -> (ConicProblem, Expected) {
        let n = integer(&random, 1...8)
        let zeroRows = integer(&random, 0...min(2, n))
        let nonnegative = integer(&random, 0...10)
        let secondOrder = (0..<integer(&random, 0...2)).map { _ in integer(&random, 2...5) }
        var cones: [ConeSpec] = []
        if zeroRows > 0 { cones.append(.zero(zeroRows)) }
        if nonnegative > 0 { cones.append(.nonnegative(nonnegative)) }
        cones += secondOrder.map { .secondOrder($0) }
        let m = zeroRows + nonnegative + secondOrder.reduce(0, +)
        let x = (0..<n).map { _ in gaussian(&random) }
        var s = [Double](), z = [Double]()
        for _ in 0..<zeroRows { s.append(0); z.append(gaussian(&random)) }
        for _ in 0..<nonnegative {
            let u = random.uniform()
            if u < 0.45 { s.append(0); z.append(uniform(&random, 0.1...2)) }
            else if u < 0.9 { s.append(uniform(&random, 0.1...2)); z.append(0) }
            else { s.append(0); z.append(0) }
        }
        for d in secondOrder {
            let u = (0..<(d - 1)).map { _ in gaussian(&random) }
            let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let which = random.uniform()
            if which < 0.6 {
                let a = uniform(&random, 0.1...2), c = uniform(&random, 0.1...2)
                s += [a * norm] + u.map { a * $0 }
                z += [c * norm] + u.map { -c * $0 }
            } else if which < 0.8 {
                s += [norm + uniform(&random, 0.1...1)] + u
                z += [Double](repeating: 0, count: d)
            } else {
                s += [Double](repeating: 0, count: d)
                z += [norm + uniform(&random, 0.1...1)] + u
            }
        }
        let rows = randomRows(m, n, &random)
        let (P, dense) = random.uniform() < 0.5 ? randomPSD(n, rank: 0, &random) : randomPSD(n, rank: integer(&random, 1...n), &random)
        let ax = multiply(rows, x)
        let b = (0..<m).map { ax[$0] + s[$0] }
        let px = multiply(dense, x)
        var q = px.map { -$0 }
        for (i, row) in rows.enumerated() { for j in 0..<n { q[j] -= row[j] * z[i] } }
        let optimum = 0.5 * zip(x, px).reduce(0) { $0 + $1.0 * $1.1 } + zip(q, x).reduce(0) { $0 + $1.0 * $1.1 }
        return (ConicProblem(P: P, q: q, A: sparse(rows, cols: n), b: b, cones: cones), .optimal(optimum))
    }

    static func infeasible(_ random: inout SplitMix64) -> (ConicProblem, Expected) {
        let n = integer(&random, 1...6), m = integer(&random, 2...8)
        var rows = randomRows(m, n, &random)
        let y = (0..<m).map { _ in random.uniform() < 0.3 ? 0 : uniform(&random, 0.1...2) }.enumerated().map { $0.offset == m - 1 ? max($0.element, 0.5) : $0.element }
        // Last row so that Aᵀy = 0.
        var last = [Double](repeating: 0, count: n)
        for i in 0..<(m - 1) { for j in 0..<n { last[j] -= y[i] * rows[i][j] / y[m - 1] } }
        rows[m - 1] = last
        var b = (0..<m).map { _ in gaussian(&random) }
        let target = -uniform(&random, 0.1...1)
        let partial = (0..<(m - 1)).reduce(0) { $0 + y[$1] * b[$1] }
        b[m - 1] = (target - partial) / y[m - 1]
        let (P, _) = random.uniform() < 0.5 ? randomPSD(n, rank: 0, &random) : randomPSD(n, rank: integer(&random, 1...n), &random)
        let q = (0..<n).map { _ in gaussian(&random) }
        return (ConicProblem(P: P, q: q, A: sparse(rows, cols: n), b: b, cones: [.nonnegative(m)]), .infeasible)
    }

    static func unbounded(_ random: inout SplitMix64) -> (ConicProblem, Expected) {
        let n = integer(&random, 2...6)
        let zeroRows = integer(&random, 0...1), nonnegative = integer(&random, 1...8)
        let d = (0..<n).map { _ in gaussian(&random) }
        let dd = d.reduce(0) { $0 + $1 * $1 }
        var rows = randomRows(zeroRows + nonnegative, n, &random)
        for i in 0..<rows.count {
            let t = zip(rows[i], d).reduce(0) { $0 + $1.0 * $1.1 }
            if i < zeroRows {
                rows[i] = zip(rows[i], d).map { $0 - t / dd * $1 }
            } else if t > 0 {
                rows[i] = rows[i].map { -$0 }
            }
        }
        let x0 = (0..<n).map { _ in gaussian(&random) }
        let ax = multiply(rows, x0)
        let b = (0..<rows.count).map { ax[$0] + ($0 < zeroRows ? 0 : uniform(&random, 0...1)) }
        var q = (0..<n).map { _ in gaussian(&random) }
        let qd = zip(q, d).reduce(0) { $0 + $1.0 * $1.1 }
        q = zip(q, d).map { $0 - (qd + 1) / dd * $1 }
        let (P, _) = random.uniform() < 0.5 ? randomPSD(n, rank: 0, &random) : randomPSD(n, rank: integer(&random, 1...(n - 1)), &random, orthogonalTo: d)
        var cones: [ConeSpec] = []
        if zeroRows > 0 { cones.append(.zero(zeroRows)) }
        cones.append(.nonnegative(nonnegative))
        return (ConicProblem(P: P, q: q, A: sparse(rows, cols: n), b: b, cones: cones), .unbounded)
    }

    /// Whether `v` lies in the cone `cone` (`dual`: its dual; the zero cone's dual is everything) to `tolerance`.
    private static func inCone(_ v: ArraySlice<Double>, _ cone: ConeSpec, dual: Bool, tolerance: Double) -> Bool {
        switch cone {
        case .zero: return dual || v.allSatisfy { abs($0) <= tolerance }
        case .nonnegative: return v.allSatisfy { $0 >= -tolerance }
        case .secondOrder:
            let head = v[v.startIndex], tail = v.dropFirst().reduce(0) { $0 + $1 * $1 }.squareRoot()
            return tail - head <= tolerance
        case .exponential: return false
        }
    }

    /// Farkas: z ∈ K*, bᵀz < 0 and ‖Aᵀz‖∞ ≤ accuracy·|bᵀz|·(1 + ‖A‖) — checked from the data alone (accuracy
    /// 1e-7 for a certificate, 1e-4 for an "almost" one).
    static func certifiesInfeasibility(_ problem: ConicProblem, _ z: [Double], accuracy: Double) -> Bool {
        let bTz = zip(problem.b, z).reduce(0) { $0 + $1.0 * $1.1 }
        guard bTz < 0, z.allSatisfy(\.isFinite) else { return false }
        let size = z.reduce(0) { max($0, abs($1)) }
        var row = 0
        for cone in problem.cones {
            guard inCone(z[row..<(row + cone.dimension)], cone, dual: true, tolerance: 1e-9 * size) else { return false }
            row += cone.dimension
        }
        let aTz = problem.A.transposeTimes(z).reduce(0) { max($0, abs($1)) }
        let norm = problem.A.values.reduce(0) { max($0, abs($1)) }
        return aTz <= accuracy * abs(bTz) * (1 + norm)
    }

    /// An unbounded direction: qᵀx < 0, Px ≈ 0 and Ax ∈ −K, to accuracy·|qᵀx|·(1 + the data's size).
    static func certifiesUnboundedness(_ problem: ConicProblem, _ x: [Double], accuracy: Double) -> Bool {
        let qTx = zip(problem.q, x).reduce(0) { $0 + $1.0 * $1.1 }
        guard qTx < 0, x.allSatisfy(\.isFinite) else { return false }
        let size = max(problem.A.values.reduce(0) { max($0, abs($1)) }, problem.P.values.reduce(0) { max($0, abs($1)) })
        let tolerance = accuracy * abs(qTx) * (1 + size)
        guard problem.P.upperTriangle().symmetricUpperTimes(x).allSatisfy({ abs($0) <= tolerance }) else { return false }
        let negatedAx = problem.A.times(x).map { -$0 }
        var row = 0
        for cone in problem.cones {
            guard inCone(negatedAx[row..<(row + cone.dimension)], cone, dual: false, tolerance: tolerance) else { return false }
            row += cone.dimension
        }
        return true
    }

    /// Solves `count` problems from `seed` and sorts the outcomes.
    static func run(count: Int, seed: UInt64) throws -> Outcome {
        var random = SplitMix64(seed: seed)
        var outcome = Outcome()
        for index in 0..<count {
            let (problem, expected) = problem(&random)
            let solution = try InteriorPointSolver(problem: problem).solve()
            let label = "problem \(index) (seed \(seed))"
            switch expected {
            case .optimal(let optimum):
                outcome.counts["optimal: \(solution.status)", default: 0] += 1
                switch solution.status {
                case .optimal:
                    if abs(solution.primalObjective - optimum) > 1e-6 * max(1, abs(optimum)) {
                        outcome.wrong.append("\(label): optimal at \(solution.primalObjective), the optimum is \(optimum)")
                    }
                case .primalInfeasible, .dualInfeasible, .almostPrimalInfeasible, .almostDualInfeasible:
                    outcome.wrong.append("\(label): \(solution.status), but its optimum is \(optimum)")
                case .almostOptimal:
                    if abs(solution.primalObjective - optimum) > 1e-3 * max(1, abs(optimum)) {
                        outcome.wrong.append("\(label): almost optimal at \(solution.primalObjective), the optimum is \(optimum)")
                    }
                default:
                    outcome.notSolved.append("\(label): \(solution.status)")
                }
            case .infeasible, .unbounded:
                let expectedName = { if case .infeasible = expected { return "infeasible" } else { return "unbounded" } }()
                outcome.counts["\(expectedName): \(solution.status)", default: 0] += 1
                switch solution.status {
                case .optimal, .almostOptimal:
                    outcome.wrong.append("\(label): \(solution.status) for an \(expectedName) problem")
                case .primalInfeasible, .almostPrimalInfeasible:
                    if case .unbounded = expected {
                        outcome.wrong.append("\(label): \(solution.status) for a feasible, unbounded problem")
                    } else if !certifiesInfeasibility(problem, solution.z, accuracy: solution.status == .primalInfeasible ? 1e-7 : 1e-4) {
                        outcome.wrong.append("\(label): \(solution.status) with a certificate that does not hold")
                    }
                case .dualInfeasible, .almostDualInfeasible:
                    if !certifiesUnboundedness(problem, solution.x, accuracy: solution.status == .dualInfeasible ? 1e-7 : 1e-4) {
                        outcome.wrong.append("\(label): \(solution.status) with a direction that does not hold")
                    }
                default:
                    outcome.notSolved.append("\(label): \(solution.status)")
                }
            }
        }
        return outcome
    }
}

/// The bounded run (fixed seed): no wrong answer, and at most 1% of the problems left unsolved (iteration
/// limit, numerical trouble, an "almost" certificate) — none when this was written.
@Test func solverFuzzFindsNoWrongAnswer() throws {
    let environment = ProcessInfo.processInfo.environment
    let count = environment["TILT_SOLVER_FUZZ_COUNT"].flatMap(Int.init) ?? 300
    let seed = environment["TILT_SOLVER_FUZZ_SEED"].flatMap(UInt64.init) ?? 15
    let outcome = try SolverFuzz.run(count: count, seed: seed)
    if environment["TILT_SOLVER_FUZZ_COUNT"] != nil {
        print("solver fuzz, \(count) problems from seed \(seed):", outcome.counts.sorted { $0.key < $1.key })
        for line in outcome.notSolved.prefix(20) { print("  not solved: \(line)") }
    }
    #expect(outcome.wrong.isEmpty, "\(outcome.wrong.count) wrong answers, e.g. \(outcome.wrong.prefix(5))")
    #expect(Double(outcome.notSolved.count) <= 0.01 * Double(count),
            "\(outcome.notSolved.count) of \(count) not solved, e.g. \(outcome.notSolved.prefix(5))")
}
