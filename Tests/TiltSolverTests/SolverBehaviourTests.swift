import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltSolver

@Test func benchmarkProblemMatchesClarabelReference() throws {
    // Same generator as make_references.py: its JSON holds exactly this problem.
    let reference = try ReferenceProblem.load("portfolio_tev_benchmark_48")
    let problem = factorTEVProblem(n: 48, k: 6)
    #expect(problem.b.count == reference.b.count)
    for (x, y) in zip(problem.b, reference.b) { #expect(abs(x - y) <= 1e-15 * max(1, abs(y))) }
    for (x, y) in zip(problem.A.values, reference.A.values) { #expect(abs(x - y) <= 1e-15 * max(1, abs(y))) }
    let solution = try benchmarkFactorTEV(n: 48, k: 6)
    let expected = try #require(reference.objective)
    #expect(solution.status == .optimal)
    #expect(abs(solution.primalObjective - expected) <= 1e-6 * abs(expected))
}

@Test(arguments: [LinearSolverChoice.dense, .sparse, .blockArrow])
func resolveWithNewValuesMatchesFreshSolve(backend: LinearSolverChoice) throws {
    var settings = SolverSettings()
    settings.linearSolver = backend
    let original = try ReferenceProblem.load("portfolio_risk_aversion_48").problem
    let solver = try InteriorPointSolver(problem: original, settings: settings)
    _ = solver.solve()
    // A new month: different alphas, a scaled covariance and perturbed exposures (same patterns).
    var changed = original
    changed.q = original.q.enumerated().map { $0.element * (1 + 0.3 * sin(Double($0.offset))) }
    changed.P.values = original.P.values.map { $0 * 1.7 }
    changed.A.values = original.A.values.enumerated().map { abs($0.element) == 1 ? $0.element : $0.element * 1.1 }
    try solver.update(q: changed.q, P: changed.P.values, A: changed.A.values)
    let resolved = solver.solve()
    let fresh = try InteriorPointSolver(problem: changed, settings: settings).solve()
    #expect(resolved.status == .optimal && fresh.status == .optimal)
    #expect(abs(resolved.primalObjective - fresh.primalObjective) <= 1e-9 * max(1, abs(fresh.primalObjective)))
    // Weights agree to solver accuracy (the re-solve keeps the setup-time equilibration).
    #expect(zip(resolved.x, fresh.x).allSatisfy { abs($0 - $1) < 1e-5 })
    #expect(KKTCheck.dualResidual(changed, resolved) < 1e-7)
    // And changing b only (a new tracking budget would be b in the TEV problem).
    let tev = try ReferenceProblem.load("portfolio_tev_48").problem
    let tevSolver = try InteriorPointSolver(problem: tev, settings: settings)
    var looser = tev
    let budgetRow = tev.b.count - tev.cones.last!.dimension
    looser.b[budgetRow] *= 1.5
    try tevSolver.update(b: looser.b)
    let tevResolved = tevSolver.solve()
    let tevFresh = try InteriorPointSolver(problem: looser, settings: settings).solve()
    #expect(abs(tevResolved.primalObjective - tevFresh.primalObjective) <= 1e-9)
    #expect(tevResolved.primalObjective < (try InteriorPointSolver(problem: tev).solve()).primalObjective)
}

@Test func nonFiniteDataIsAnError() throws {
    var problem = try ReferenceProblem.load("lp_random").problem
    problem.q[3] = .nan
    #expect(throws: SolverError.nonFiniteData("q")) { try InteriorPointSolver(problem: problem) }
    let good = try ReferenceProblem.load("lp_random").problem
    let solver = try InteriorPointSolver(problem: good)
    var b = good.b
    b[0] = .infinity
    #expect(throws: SolverError.nonFiniteData("b")) { try solver.update(b: b) }
    #expect(throws: SolverError.self) { try solver.update(A: [1, 2]) }
    var badRows = good
    badRows.b.removeLast()
    #expect(throws: SolverError.self) { try InteriorPointSolver(problem: badRows) }
}

@Test func statusDescriptionsAreUserFacing() {
    #expect(SolverStatus.primalInfeasible.description == "the constraints are infeasible")
    #expect(SolverStatus.dualInfeasible.description == "the objective is unbounded")
}

/// Timings of the factor-model TEV SOCP (run with `TILT_BENCHMARK=1 swift test -c release
/// --filter factorTEVTimings`); compare with `make_references.py --benchmark`, which reports
/// Clarabel's best of 15. Here: the run with the smallest setup + solve out of 15 per size (the
/// machine is shared, so single runs mostly measure the neighbours).
@Test(.enabled(if: ProcessInfo.processInfo.environment["TILT_BENCHMARK"] != nil))
func factorTEVTimings() throws {
    for n in [48, 500, 2000, 5000] {
        var best: SolverSolution?
        for _ in 0..<15 {
            let solution = try benchmarkFactorTEV(n: n, k: 6)
            #expect(solution.status == .optimal)
            if let b = best, b.info.setupTime + b.info.solveTime <= solution.info.setupTime + solution.info.solveTime { continue }
            best = solution
        }
        let solution = try #require(best)
        print(String(format: "n=%5d k=6  %@ obj=%.10e iters=%d setup=%.2f ms solve=%.2f ms total=%.2f ms", n,
                     solution.status.description, solution.primalObjective, solution.info.iterations,
                     solution.info.setupTime * 1e3, solution.info.solveTime * 1e3,
                     (solution.info.setupTime + solution.info.solveTime) * 1e3))
    }
}

/// `.automatic` keeps the sparse LDLᵀ for sparse KKT systems, however small, and switches to LAPACK
/// only for large systems whose factor would be nearly full (a dense QP of KKT dimension 250).
@Test func automaticBackendFollowsFactorFill() throws {
    #expect(try !InteriorPointSolver(problem: factorTEVProblem(n: 48, k: 6)).kkt.usesDenseFactorization)
    #expect(try !InteriorPointSolver(problem: ReferenceProblem.load("qp_random").problem).kkt.usesDenseFactorization)
    var rng = SplitMix64(seed: 7)
    let n = 100, m = 150
    var pTriplets: [(row: Int, col: Int, value: Double)] = [], aTriplets: [(row: Int, col: Int, value: Double)] = []
    for j in 0..<n { for i in 0...j { pTriplets.append((i, j, i == j ? Double(n) : rng.uniform() - 0.5)) } }
    for j in 0..<n { for i in 0..<m { aTriplets.append((i, j, rng.uniform() - 0.5)) } }
    let dense = ConicProblem(P: SparseMatrixCSC(rows: n, cols: n, triplets: pTriplets),
                             q: (0..<n).map { _ in rng.uniform() - 0.5 },
                             A: SparseMatrixCSC(rows: m, cols: n, triplets: aTriplets),
                             b: (0..<m).map { _ in 1 + rng.uniform() }, cones: [.nonnegative(m)])
    let solver = try InteriorPointSolver(problem: dense)
    #expect(solver.kkt.usesDenseFactorization)
    var sparseSettings = SolverSettings()
    sparseSettings.linearSolver = .sparse
    let viaDense = solver.solve(), viaSparse = try InteriorPointSolver(problem: dense, settings: sparseSettings).solve()
    #expect(viaDense.status == .optimal && viaSparse.status == .optimal)
    #expect(abs(viaDense.primalObjective - viaSparse.primalObjective) <= 1e-7 * max(1, abs(viaSparse.primalObjective)))
}

/// `.automatic` takes the block-arrow factorisation for factor-model portfolio problems (TEV and
/// risk aversion, 48 to 2,000 assets) and not for problems without that structure; asking for it
/// there is an error, not a silent fallback.
@Test func automaticBackendTakesBlockArrowForPortfolios() throws {
    for name in ["portfolio_tev_48", "portfolio_risk_aversion_48", "portfolio_tev_benchmark_48"] {
        #expect(try InteriorPointSolver(problem: ReferenceProblem.load(name).problem).kkt.usesBlockArrowFactorization, "\(name)")
    }
    #expect(try InteriorPointSolver(problem: factorTEVProblem(n: 2000, k: 6)).kkt.usesBlockArrowFactorization)
    // A random sparse LP (three nonzeros per column of A): one large connected component.
    var rng = SplitMix64(seed: 5)
    let n = 300, m = 200
    var triplets: [(row: Int, col: Int, value: Double)] = []
    for j in 0..<n { for _ in 0..<3 { triplets.append((Int(rng.uniform() * Double(m)), j, rng.uniform() + 0.5)) } }
    let lp = ConicProblem(P: SparseMatrixCSC(zeros: n, n), q: (0..<n).map { _ in rng.uniform() },
                          A: SparseMatrixCSC(rows: m, cols: n, triplets: triplets),
                          b: (0..<m).map { _ in 1 + rng.uniform() }, cones: [.nonnegative(m)])
    #expect(try !InteriorPointSolver(problem: lp).kkt.usesBlockArrowFactorization)
    var settings = SolverSettings()
    settings.linearSolver = .blockArrow
    #expect(throws: SolverError.self) { try InteriorPointSolver(problem: lp, settings: settings) }
}

/// The polisher tests stationarity against q's scale and the constraint rows against b's: with one scale
/// for all, minimize 1e16·(w₁ + w₂) s.t. w₁ + w₂ = 1, w ≥ 0 "converged" at w = 0 and was kept as optimal.
@Test func polishingNeverTradesFeasibilityForALargeObjective() throws {
    let A = SparseMatrixCSC(rows: 3, cols: 2, triplets: [(0, 0, 1), (0, 1, 1), (1, 0, -1), (2, 1, -1)])
    let problem = ConicProblem(P: SparseMatrixCSC(zeros: 2, 2), q: [1e16, 1e16], A: A, b: [1, 0, 0],
                               cones: [.zero(1), .nonnegative(2)])
    let solution = try InteriorPointSolver(problem: problem).solve()
    #expect(solution.status == .optimal && abs(solution.primalObjective - 1e16) <= 1e-8 * 1e16)
    if let polished = SolutionPolisher.polish(problem, solution) {
        #expect(abs(polished.x[0] + polished.x[1] - 1) < 1e-12, "\(polished.x)")
        #expect(abs(polished.primalObjective - 1e16) <= 1e-8 * 1e16)
    }
}

/// The convexity check behind `tilt solve`: positive semidefinite P (singular ones too) pass, and so do P
/// semidefinite up to the rounding of their data (an eigenvalue of −1e-6 of the largest, as the
/// Maros–Meszaros VALUES has); a clearly negative eigenvalue is seen (negative diagonal, or an indefinite 2×2
/// with a positive diagonal, down to −1e-4 of the largest); a zero P passes.
@Test func visiblyNonconvexObjectivesAreRecognised() {
    func problem(_ upper: [(Int, Int, Double)], n: Int = 2) -> ConicProblem {
        ConicProblem(P: SparseMatrixCSC(rows: n, cols: n, triplets: upper.map { (row: $0.0, col: $0.1, value: $0.2) }),
                     q: [Double](repeating: 0, count: n), A: SparseMatrixCSC(zeros: 0, n), b: [], cones: [])
    }
    #expect(!problem([(0, 0, 2), (1, 1, 3)]).objectiveIsVisiblyNonconvex)
    #expect(!problem([(0, 0, 1), (0, 1, 1), (1, 1, 1)]).objectiveIsVisiblyNonconvex)          // [1 1; 1 1], singular
    #expect(!problem([(0, 0, 1e-12), (1, 1, 5)]).objectiveIsVisiblyNonconvex)
    #expect(!problem([]).objectiveIsVisiblyNonconvex)
    #expect(problem([(0, 0, -0.02), (1, 1, 2)]).objectiveIsVisiblyNonconvex)
    #expect(problem([(0, 0, 1), (0, 1, 2), (1, 1, 1)]).objectiveIsVisiblyNonconvex)           // eigenvalues 3, −1
    #expect(problem([(0, 0, 4), (0, 1, 2), (1, 1, 1), (2, 2, 1), (1, 2, 1.5)], n: 3).objectiveIsVisiblyNonconvex)
    // [1 1; 1 1] with its off-diagonal raised by ε has the eigenvalue −ε: within rounding at 1e-6, not at 1e-4.
    #expect(!problem([(0, 0, 1), (0, 1, 1 + 1e-6), (1, 1, 1)]).objectiveIsVisiblyNonconvex)
    #expect(problem([(0, 0, 1), (0, 1, 1 + 1e-4), (1, 1, 1)]).objectiveIsVisiblyNonconvex)
}

/// minimize t s.t. t ≥ eˣ, x ≥ 18: the optimum e^18 ≈ 6.6e7 sets a scale the exponential cone resolves only
/// to about 1e-6. The method used to drift from a near-optimal iterate into a false infeasibility
/// certificate; it now stops on a short step and returns the last iterate that met the reduced tolerances.
@Test func aLargeExponentialOptimumIsAlmostOptimalNotInfeasible() throws {
    let A = SparseMatrixCSC(rows: 4, cols: 2, triplets: [(0, 0, -1), (2, 1, -1), (3, 0, -1)])
    let problem = ConicProblem(P: SparseMatrixCSC(zeros: 2, 2), q: [0, 1], A: A, b: [0, 1, 0, -18],
                               cones: [.exponential, .nonnegative(1)])
    let solution = try InteriorPointSolver(problem: problem).solve()
    #expect(solution.status.isSolved, "\(solution.status)")
    #expect(abs(solution.primalObjective - exp(18)) <= 1e-4 * exp(18), "\(solution.primalObjective)")
}

/// The polisher from a point in the relative interior of a degenerate face (QSHARE1B's difficulty: more
/// columns without curvature between their bounds than active rows, their stationarity off): Newton's
/// system is singular and stalls, and each stall takes in the bound its regularised step meets first, as a
/// simplex step would. minimize 1e-3·(x₁ + 2x₂ + 3x₃) + 5e3·(x₄ − 1)² − 5e3 s.t. x₁ + x₂ + x₃ = 1e6, x₁…₃ ≥ 0:
/// the vertex x = (1e6, 0, 0, 1), objective 1e3 − 5e3 = −4e3 (x₁ is the cheapest; x₄ is separate), from
/// x = (5e5, 3e5, 2e5, 1) with the bounds' multipliers at 1e-12 (all three bounds look inactive).
@Test func polishingStepsOffADegenerateFaceToItsVertex() throws {
    let A = SparseMatrixCSC(rows: 4, cols: 4, triplets: [(0, 0, 1), (0, 1, 1), (0, 2, 1), (1, 0, -1), (2, 1, -1), (3, 2, -1)])
    let problem = ConicProblem(P: SparseMatrixCSC(rows: 4, cols: 4, triplets: [(row: 3, col: 3, value: 1e4)]),
                               q: [1e-3, 2e-3, 3e-3, -1e4], A: A, b: [1e6, 0, 0, 0], cones: [.zero(1), .nonnegative(3)],
                               objectiveConstant: 0)
    let x = [5e5, 3e5, 2e5, 1.0]
    let start = SolverSolution(status: .almostOptimal, x: x, s: [0, 5e5, 3e5, 2e5], z: [-2e-3, 1e-12, 1e-12, 1e-12],
                               primalObjective: 1.7e3 - 5e3, dualObjective: -4e3,
                               info: SolverInfo(iterations: 0, primalResidual: 0, dualResidual: 0, gapAbsolute: 0,
                                                gapRelative: 0, solveTime: 0, setupTime: 0))
    let polished = try #require(SolutionPolisher.polish(problem, start))
    #expect(polished.status == .optimal)
    #expect(abs(polished.primalObjective + 4e3) <= 1e-9 * 4e3, "\(polished.primalObjective)")
    for (value, answer) in zip(polished.x, [1e6, 0, 0, 1]) { #expect(abs(value - answer) <= 1e-9 * max(1, answer), "\(polished.x)") }
    // The multipliers: −1e-3 on the equality (x₁'s cost), x₂'s and x₃'s bounds 1e-3 and 2e-3.
    for (value, answer) in zip(polished.z, [-1e-3, 0, 1e-3, 2e-3]) { #expect(abs(value - answer) <= 1e-12, "\(polished.z)") }
}
