import Foundation
import TiltLinearAlgebra

/// Clarabel's interior-point method (Goulart & Chen, 2024) for
///
///     minimize ½xᵀPx + qᵀx + c   s.t.  Ax + s = b,  s ∈ K
///
/// on the homogeneous self-dual embedding: iterates `(x, s, z, τ, κ)` with
///
///     r_x = Px + Aᵀz + qτ,   r_z = Ax + s − bτ,   r_τ = κ + qᵀx + bᵀz + xᵀPx/τ,
///
/// driven to zero by Mehrotra predictor–corrector steps; `τ → 0 < κ` certifies infeasibility.
/// Build once, then `solve()`; `update(...)` swaps in new values with the same sparsity and keeps
/// the KKT structure (and symbolic factorisation) for the next solve.
public final class InteriorPointSolver {
    public let settings: SolverSettings
    /// The problem as given (P's upper triangle): what every returned status is checked against.
    private var problem: ConicProblem
    private let cones: CompositeCone
    /// The objective brought to unit size before equilibration (`ObjectiveScaling`).
    private var objectiveScaling: ObjectiveScaling
    private let equilibration: Equilibration
    private var scaled: (P: SparseMatrixCSC, q: [Double], A: SparseMatrixCSC, b: [Double])
    /// `‖b‖∞`, `‖q‖∞` of the original data (the denominators of the relative residuals), and the largest
    /// entry of A and P.
    private var dataNorms: (b: Double, q: Double, matrix: Double)
    /// Internal (not private) so that tests can see which factorisation `.automatic` picked.
    let kkt: KKTSystem
    private let setupTime: Double

    /// Validates the data, equilibrates it and assembles (and symbolically analyses) the KKT system.
    /// Throws `SolverError` for NaN/Inf entries or inconsistent dimensions.
    public init(problem: ConicProblem, settings: SolverSettings = SolverSettings()) throws {
        let start = Date()
        try Self.validate(problem)
        self.settings = settings
        // Keep only P's upper triangle so that every later product sees the same matrix.
        var problem = problem
        problem.P = problem.P.upperTriangle()
        self.problem = problem
        dataNorms = Self.norms(problem)
        cones = CompositeCone(problem.cones)
        objectiveScaling = ObjectiveScaling(problem)
        let solved = objectiveScaling.scaled(problem)
        equilibration = Equilibration(problem: solved, cones: cones, settings: settings)
        scaled = equilibration.scaled(P: solved.P, q: solved.q, A: solved.A, b: solved.b)
        kkt = try KKTSystem(P: scaled.P, A: scaled.A, cones: cones, settings: settings)
        setupTime = Date().timeIntervalSince(start)
    }

    /// The factor between the solved objective and the original one: the equilibration's cost scaling `c`
    /// times the objective scaling (`z = Eẑ/costScale`, objective values ÷ costScale).
    private var costScale: Double { equilibration.costScale * objectiveScaling.factor }

    /// `‖b‖∞`, `‖q‖∞` and the largest entry of A and P (the scale an infeasibility certificate is judged by).
    private static func norms(_ problem: ConicProblem) -> (b: Double, q: Double, matrix: Double) {
        (VectorMath.normInf(problem.b), VectorMath.normInf(problem.q),
         max(VectorMath.normInf(problem.A.values), VectorMath.normInf(problem.P.values)))
    }

    private static func validate(_ problem: ConicProblem) throws {
        let n = problem.variableCount, m = problem.constraintCount
        guard problem.P.rows == n, problem.P.cols == n else {
            throw SolverError.dimensionMismatch("P is \(problem.P.rows)×\(problem.P.cols), q has \(n) entries")
        }
        guard problem.A.rows == m, problem.A.cols == n else {
            throw SolverError.dimensionMismatch("A is \(problem.A.rows)×\(problem.A.cols), expected \(m)×\(n)")
        }
        for (name, matrix) in [("P", problem.P), ("A", problem.A)] {
            do { try matrix.validateStructure() } catch { throw SolverError.invalidMatrix("\(name): \(error)") }
        }
        let coneRows = problem.cones.reduce(0) { $0 + $1.dimension }
        guard coneRows == m else {
            throw SolverError.dimensionMismatch("cones cover \(coneRows) rows, b has \(m)")
        }
        for cone in problem.cones {
            switch cone {
            case .zero(let k), .nonnegative(let k):
                if k < 0 { throw SolverError.invalidCone("negative dimension \(k)") }
            case .secondOrder(let k):
                if k < 1 { throw SolverError.invalidCone("second-order cone of dimension \(k)") }
            case .exponential: break
            }
        }
        for (name, values) in [("P", problem.P.values), ("q", problem.q), ("A", problem.A.values), ("b", problem.b)]
        where !VectorMath.allFinite(values) {
            throw SolverError.nonFiniteData(name)
        }
        guard problem.objectiveConstant.isFinite else { throw SolverError.nonFiniteData("objective constant") }
    }

    /// Replaces problem values keeping every sparsity pattern: `q`, `b` (full vectors), and the
    /// stored values of `P` (its upper triangle, in CSC order) and `A` (CSC order).
    public func update(q: [Double]? = nil, b: [Double]? = nil, P pValues: [Double]? = nil,
                       A aValues: [Double]? = nil) throws {
        var next = problem
        if let q {
            guard q.count == next.q.count else { throw SolverError.dimensionMismatch("q has \(q.count) entries, expected \(next.q.count)") }
            next.q = q
        }
        if let b {
            guard b.count == next.b.count else { throw SolverError.dimensionMismatch("b has \(b.count) entries, expected \(next.b.count)") }
            next.b = b
        }
        if let pValues {
            guard pValues.count == next.P.values.count else { throw SolverError.patternChanged("P (\(pValues.count) values, expected \(next.P.values.count))") }
            next.P.values = pValues
        }
        if let aValues {
            guard aValues.count == next.A.values.count else { throw SolverError.patternChanged("A (\(aValues.count) values, expected \(next.A.values.count))") }
            next.A.values = aValues
        }
        try Self.validate(next)
        problem = next
        dataNorms = Self.norms(problem)
        objectiveScaling = ObjectiveScaling(problem)
        let solved = objectiveScaling.scaled(problem)
        scaled = equilibration.scaled(P: solved.P, q: solved.q, A: solved.A, b: solved.b)
        kkt.updateMatrixData(P: scaled.P, A: scaled.A)
    }

    // MARK: - Solve

    /// Runs the interior-point method from a fresh starting point. When it fails on the equilibrated data
    /// (numerical difficulties, no progress, the iteration limit), it runs once more on the data as given:
    /// Ruiz scaling can leave a problem worse conditioned than it was (an exponential-cone utility at
    /// φ = 50 with a rank-deficient covariance started 300× further from feasibility and stalled, while
    /// the unscaled data solve in 22 iterations). Either answer is confirmed on the original data.
    public func solve() -> SolverSolution {
        let first = iterate()
        guard settings.equilibrate, [.numericalError, .insufficientProgress, .maxIterations].contains(first.status) else { return first }
        var unscaled = settings
        unscaled.equilibrate = false
        guard var second = try? InteriorPointSolver(problem: problem, settings: unscaled).iterate(),
              second.status != first.status, ![.numericalError, .insufficientProgress, .maxIterations].contains(second.status) else { return first }
        second.info.iterations += first.info.iterations
        second.info.equilibratedIterations = first.info.iterations
        second.info.solveTime += first.info.solveTime
        return second
    }

    /// One run of the method on the (equilibrated) data.
    private func iterate() -> SolverSolution {
        let start = Date()
        var state = IterationState(n: problem.variableCount, m: problem.constraintCount)
        var work = StepWorkspace(n: problem.variableCount, m: problem.constraintCount, q: scaled.q)
        var affine = Direction(n: problem.variableCount, m: problem.constraintCount), step = affine
        var status: SolverStatus? = nil
        var metrics = TerminationMetrics()
        var iteration = 0

        if !initialize(&state, &work) { status = .numericalError }
        var lastAlpha = 1.0
        // Nonsymmetric cones start with the primal–dual scaling and switch to the dual one for good when it
        // fails (Clarabel's strategy checkpoints); symmetric cones have only their Nesterov–Todd scaling.
        var scaling = ScalingStrategy.primalDual
        // The iterate before the last step, restored when that step made things worse.
        var previous = Direction(n: problem.variableCount, m: problem.constraintCount)
        var previousMetrics: TerminationMetrics?
        // The last iterate that met the reduced optimality tolerances: returned as almost optimal when the
        // method later loses its way — badly scaled exponential cones drifted from such a point into a false
        // infeasibility certificate.
        var almostOptimal = Direction(n: problem.variableCount, m: problem.constraintCount)
        var almostOptimalAt: (metrics: TerminationMetrics, iteration: Int)?
        while status == nil {
            computeResiduals(&state)
            metrics = measure(state)
            if settings.verbose { printProgress(iteration, metrics, state, lastAlpha) }
            // A status is final only once the original data confirm it; otherwise the iterations go on.
            if let done = checkTermination(metrics, reduced: false),
               let solution = confirmedSolution(state, status: done, metrics: metrics, iterations: iteration,
                                                solveTime: Date().timeIntervalSince(start)) {
                return solution
            }
            if iteration > 1, let before = previousMetrics, isInsufficientProgress(metrics, before: before) {
                // The step made the residuals worse near the tolerances: back to the iterate before it, and
                // either go on with the dual scaling or stop there.
                previous.restore(into: &state)
                metrics = before
                previousMetrics = nil
                if !cones.isSymmetric, scaling == .primalDual { scaling = .dual; continue }
                status = .insufficientProgress
                break
            }
            if checkTermination(metrics, reduced: true) == .almostOptimal {
                almostOptimal.save(state)
                almostOptimalAt = (metrics, iteration)
            }
            if iteration >= settings.maxIterations { status = .maxIterations; break }
            if Date().timeIntervalSince(start) > settings.timeLimit { status = .timeLimit; break }
            guard let alpha = searchDirection(state, &work, affine: &affine, step: &step, scaling: scaling) else {
                if !cones.isSymmetric, scaling == .primalDual { scaling = .dual; continue }
                status = .numericalError
                break
            }
            if !cones.isSymmetric, scaling == .primalDual, alpha <= settings.minimumSwitchStepLength {
                scaling = .dual
                continue
            }
            if alpha <= settings.minimumStepLength { status = .insufficientProgress; break }
            previous.save(state)
            previousMetrics = metrics
            VectorMath.axpy(alpha, step.x, &state.x)
            VectorMath.axpy(alpha, step.s, &state.s)
            VectorMath.axpy(alpha, step.z, &state.z)
            state.tau += alpha * step.tau
            state.kappa += alpha * step.kappa
            lastAlpha = alpha
            iteration += 1
        }
        // Short of the full tolerances, the last iterate may still meet the reduced ones (Clarabel's
        // `post_process`); failing that, the last almost optimal one is returned; failing that, an almost
        // certain infeasibility certificate; otherwise the failure itself.
        let elapsed = Date().timeIntervalSince(start)
        var answer = failedSolution(state, status: status ?? .numericalError, metrics: metrics, iterations: iteration,
                                    solveTime: elapsed)
        for (reduced, kappaTau) in [(false, false), (true, true), (true, false)] {
            if let candidate = checkTermination(metrics, reduced: reduced, kappaTau: kappaTau),
               let solution = confirmedSolution(state, status: candidate, metrics: metrics, iterations: iteration,
                                                solveTime: elapsed) {
                if solution.status.isSolved { return solution }
                answer = solution
                break
            }
        }
        if let saved = almostOptimalAt {
            almostOptimal.restore(into: &state)
            if let solution = confirmedSolution(state, status: .almostOptimal, metrics: saved.metrics,
                                                iterations: saved.iteration, solveTime: elapsed) {
                return solution
            }
        }
        return answer
    }

    /// The iterate and its residuals (scaled space).
    private struct IterationState {
        var x, s, z: [Double]
        var tau = 1.0, kappa = 1.0
        /// `r_x = P̂x + Âᵀz + q̂τ`, `r_z = Âx + s − b̂τ`, `r_τ`.
        var rx, rz: [Double]
        var rtau = 0.0
        /// The products `P̂x`, `Âᵀz` (length n) and `Âx` (length m) behind the residuals.
        var px, atz, ax: [Double]
        /// `x̂ᵀP̂x̂`, `q̂ᵀx̂`, `b̂ᵀẑ`.
        var xPx = 0.0, qTx = 0.0, bTz = 0.0
        var mu = 1.0
        /// The unscaled ∞-norms `measure` needs, taken with the residuals.
        var norms = ResidualNorms()
        init(n: Int, m: Int) {
            x = [Double](repeating: 0, count: n); px = x; rx = x; atz = x
            s = [Double](repeating: 0, count: m); z = s; rz = s; ax = s
        }
    }

    /// `‖D⁻¹P̂x‖∞`, `‖D⁻¹Âᵀz‖∞`, `‖D⁻¹r̂_x‖∞` (the original `Px`, `Aᵀz`, `r_x` times `c`) and
    /// `‖E⁻¹Âx‖∞`, `‖E⁻¹ŝ‖∞`, `‖E⁻¹(Âx + ŝ)‖∞`, `‖E⁻¹r̂_z‖∞` (the original `Ax`, `s`, `Ax + s`, `r_z`).
    private struct ResidualNorms {
        var px = 0.0, atz = 0.0, rx = 0.0
        var ax = 0.0, s = 0.0, axs = 0.0, rz = 0.0
        /// `‖Dx̂‖∞` and `‖Eẑ‖∞` (the original x, and z times `c`).
        var x = 0.0, z = 0.0
    }

    /// `(x, s, z, τ, κ)`: a search direction, or a copy of an iterate kept in buffers allocated once per solve.
    private struct Direction {
        var x, s, z: [Double]
        var tau = 0.0, kappa = 0.0
        init(n: Int, m: Int) {
            x = [Double](repeating: 0, count: n)
            s = [Double](repeating: 0, count: m)
            z = s
        }
        /// Copies the iterate's point into these buffers.
        mutating func save(_ state: IterationState) {
            x.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: state.x) }
            s.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: state.s) }
            z.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: state.z) }
            tau = state.tau
            kappa = state.kappa
        }
        /// Puts the saved point back (the residuals are recomputed from it before they are read again).
        func restore(into state: inout IterationState) {
            state.x.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: x) }
            state.s.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: s) }
            state.z.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: z) }
            state.tau = tau
            state.kappa = kappa
        }
    }


    /// Vectors reused by every step, allocated once per solve.
    private struct StepWorkspace {
        /// `K [Δx₁; Δz₁] = [−q̂; b̂]`, the part of every direction proportional to `Δτ`.
        var constantX, constantZ: [Double]
        /// `−q̂`, the first block of that constant right-hand side.
        let negatedQ: [Double]
        /// `−(κ/τ − q̂ᵀΔx₁ − b̂ᵀΔz₁ + (Δx₁ − x/τ)ᵀP̂(Δx₁ − x/τ) − Δx₁ᵀP̂Δx₁)`, the `Δτ` pivot of the block
        /// elimination (Clarabel's form; see `searchDirection`).
        var denominator = 1.0
        var rhsX, rhsZ: [Double]
        /// Complementarity right-hand side `ds` and the matching `Δs` offset.
        var ds, offset: [Double]
        /// Temporaries of the `Δτ` pivot and of the initial point.
        var scratchX, productX, scratchZ: [Double]
        init(n: Int, m: Int, q: [Double]) {
            negatedQ = q.map { -$0 }
            constantX = [Double](repeating: 0, count: n); rhsX = constantX; scratchX = constantX; productX = constantX
            constantZ = [Double](repeating: 0, count: m); rhsZ = constantZ; ds = constantZ; offset = constantZ
            scratchZ = constantZ
        }
    }

    /// Symmetric cones: least-squares start with `H = I`, shifted into the cones.
    /// Otherwise the central point of every cone with `x = 0`.
    private func initialize(_ state: inout IterationState, _ work: inout StepWorkspace) -> Bool {
        cones.unitInitialization(s: &state.s, z: &state.z)
        state.tau = 1; state.kappa = 1
        guard cones.isSymmetric else { return true }
        guard cones.updateScaling(s: state.s, z: state.z, mu: 1, strategy: .primalDual), kkt.refactor() else { return false }
        let n = problem.variableCount, m = problem.constraintCount
        if scaled.P.nonzeroCount > 0 {
            // Quadratic objective (Clarabel's QP start): K [x; z] = [−q; b] once, s = −z.
            kkt.solve(rhsX: work.negatedQ, rhsZ: scaled.b, x: &state.x, z: &state.z)
            for i in 0..<m { state.s[i] = -state.z[i] }
        } else {
            // Linear objective: primal start K [x; −s] = [0; b] and dual start K [·; z] = [−q; 0], in one pass.
            for j in 0..<n { work.rhsX[j] = 0 }
            for i in 0..<m { work.rhsZ[i] = 0 }
            kkt.solve(rhsX: work.rhsX, rhsZ: scaled.b, x: &state.x, z: &work.scratchZ,
                      rhsX: work.negatedQ, rhsZ: work.rhsZ, x: &work.scratchX, z: &state.z)
            for i in 0..<m { state.s[i] = -work.scratchZ[i] }
        }
        cones.shiftInside(&state.s, isPrimal: true)
        cones.shiftInside(&state.z, isPrimal: false)
        return VectorMath.allFinite(state.x) && VectorMath.allFinite(state.s) && VectorMath.allFinite(state.z)
    }

    /// The residuals, their products, `μ` and the unscaled norms of `ResidualNorms`: after the
    /// products, one pass over the n-vectors and one over the m-vectors.
    private func computeResiduals(_ st: inout IterationState) {
        let n = problem.variableCount, m = problem.constraintCount, tau = st.tau
        VectorMath.zero(&st.px)
        VectorMath.zero(&st.atz)
        VectorMath.zero(&st.ax)
        scaled.P.symmetricUpperMultiplyAdd(st.x, into: &st.px)
        scaled.A.multiplyAndTransposeMultiplyAdd(st.x, into: &st.ax, st.z, into: &st.atz)
        var xPx = 0.0, qTx = 0.0, bTz = 0.0, sTz = 0.0
        var norms = ResidualNorms()
        VectorMath.withBuffers(st.x, st.px, st.atz) { x, px, atz in
            VectorMath.withBuffers(scaled.q, equilibration.variableScale) { q, d in
                st.rx.withUnsafeMutableBufferPointer { rx in
                    for j in 0..<n {
                        let pxj = px[j], atzj = atz[j]
                        let r = pxj + atzj + tau * q[j]
                        rx[j] = r
                        xPx += x[j] * pxj
                        qTx += q[j] * x[j]
                        norms.px = max(norms.px, abs(pxj / d[j]))
                        norms.atz = max(norms.atz, abs(atzj / d[j]))
                        norms.rx = max(norms.rx, abs(r / d[j]))
                        norms.x = max(norms.x, abs(x[j] * d[j]))
                    }
                }
            }
        }
        VectorMath.withBuffers(st.ax, st.s, st.z) { ax, s, z in
            VectorMath.withBuffers(scaled.b, equilibration.constraintScale) { b, e in
                st.rz.withUnsafeMutableBufferPointer { rz in
                    for i in 0..<m {
                        let axi = ax[i], si = s[i]
                        let r = si + axi - tau * b[i]
                        rz[i] = r
                        bTz += b[i] * z[i]
                        sTz += si * z[i]
                        norms.ax = max(norms.ax, abs(axi / e[i]))
                        norms.s = max(norms.s, abs(si / e[i]))
                        norms.axs = max(norms.axs, abs((axi + si) / e[i]))
                        norms.rz = max(norms.rz, abs(r / e[i]))
                        norms.z = max(norms.z, abs(z[i] * e[i]))
                    }
                }
            }
        }
        st.xPx = xPx; st.qTx = qTx; st.bTz = bTz
        st.norms = norms
        st.rtau = st.kappa + qTx + bTz + xPx / tau
        st.mu = (sTz + tau * st.kappa) / Double(cones.degree + 1)
    }

    /// The predictor–corrector direction (in `step`) and its step length, or nil on a numerical failure.
    private func searchDirection(_ st: IterationState, _ work: inout StepWorkspace, affine: inout Direction,
                                 step: inout Direction, scaling: ScalingStrategy) -> Double? {
        guard cones.updateScaling(s: st.s, z: st.z, mu: st.mu, strategy: scaling), kkt.refactor() else { return nil }
        let n = problem.variableCount

        // Constant part of every step, K [Δx₁; Δz₁] = [−q; b], solved together with the predictor
        // (affine scaling) system, whose right-hand side does not depend on it.
        cones.affineDs(&work.ds, s: st.s)
        loadDirectionRHS(st, &work, residualScale: 1)
        kkt.solve(rhsX: work.negatedQ, rhsZ: scaled.b, x: &work.constantX, z: &work.constantZ,
                  rhsX: work.rhsX, rhsZ: work.rhsZ, x: &affine.x, z: &affine.z)
        // The Δτ pivot, in Clarabel's form: with K[Δx₁; Δz₁] = [−q̂; b̂] solved exactly, −q̂ᵀΔx₁ − b̂ᵀΔz₁ would
        // be Δx₁ᵀP̂Δx₁ + Δz₁ᵀHΔz₁; taking the products of the computed Δx₁, Δz₁ instead keeps the pivot
        // consistent with the regularised solve. A variable absent from A and P (a free direction of an
        // unbounded LP) gets Δx₁ ≈ q̂/δ from the static regularisation δ, and its δ‖Δx₁‖² — missing from the
        // quadratic-form version — is what keeps Δτ finite (without it Δτ reached 1e15 and the first step 1e-12).
        var curvature = 0.0
        if scaled.P.nonzeroCount > 0 {
            for j in 0..<n { work.scratchX[j] = work.constantX[j] - st.x[j] / st.tau; work.productX[j] = 0 }
            scaled.P.symmetricUpperMultiplyAdd(work.scratchX, into: &work.productX)
            // (Δx₁ − x/τ)ᵀP̂(Δx₁ − x/τ) − Δx₁ᵀP̂Δx₁, with P̂Δx₁ = P̂(Δx₁ − x/τ) + P̂x/τ.
            var shifted = 0.0, plain = 0.0
            for j in 0..<n {
                shifted += work.scratchX[j] * work.productX[j]
                plain += work.constantX[j] * (work.productX[j] + st.px[j] / st.tau)
            }
            curvature = shifted - plain
        }
        let linear = -VectorMath.dot(scaled.q, work.constantX) - VectorMath.dot(scaled.b, work.constantZ)
        work.denominator = -(st.kappa / st.tau + linear + curvature)
        guard completeDirection(st, work, residualScale: 1, dkappa: st.tau * st.kappa, &affine) else { return nil }
        let alphaAffine = stepLength(st, affine, centrality: false)
        let sigma = pow(1 - alphaAffine, 3)

        // Corrector (combined) direction.
        cones.addCombinedShift(&work.ds, dz: affine.z, ds: affine.s, sigmaMu: sigma * st.mu)
        let dkappa = st.tau * st.kappa + affine.tau * affine.kappa - sigma * st.mu
        loadDirectionRHS(st, &work, residualScale: 1 - sigma)
        kkt.solve(rhsX: work.rhsX, rhsZ: work.rhsZ, x: &step.x, z: &step.z)
        guard completeDirection(st, work, residualScale: 1 - sigma, dkappa: dkappa, &step) else { return nil }
        return settings.maxStepFraction * stepLength(st, step, centrality: !cones.isSymmetric)
    }

    /// The Newton system for right-hand sides `(residualScale·r, work.ds, dκ)` is solved by block
    /// elimination: `K [Δx₂; Δz₂] = [−residualScale·r_x; −residualScale·r_z + offset]` (loaded into
    /// `work.rhsX`, `work.rhsZ` here), then `completeDirection`.
    private func loadDirectionRHS(_ st: IterationState, _ work: inout StepWorkspace, residualScale: Double) {
        cones.deltaSOffset(&work.offset, ds: work.ds, z: st.z)
        let scale = -residualScale
        st.rx.withUnsafeBufferPointer { rx in
            work.rhsX.withUnsafeMutableBufferPointer { rhsX in
                for j in 0..<rhsX.count { rhsX[j] = scale * rx[j] }
            }
        }
        VectorMath.withBuffers(st.rz, work.offset) { rz, offset in
            work.rhsZ.withUnsafeMutableBufferPointer { rhsZ in
                for i in 0..<rhsZ.count { rhsZ[i] = scale * rz[i] + offset[i] }
            }
        }
    }

    /// Turns `d.x, d.z = [Δx₂; Δz₂]` into the full direction: `Δ = Δ₂ + Δτ·Δ₁`,
    /// `Δs = −offset − HΔz`, `Δκ = −(dκ + κΔτ)/τ`. False if the direction is not finite.
    private func completeDirection(_ st: IterationState, _ work: StepWorkspace, residualScale: Double,
                                   dkappa: Double, _ d: inout Direction) -> Bool {
        // (q̂ + 2P̂x/τ)ᵀΔx₂ + b̂ᵀΔz₂
        let (qDx, pxDx) = VectorMath.withBuffers(scaled.q, st.px, d.x) { q, px, dx in
            var qDx = 0.0, pxDx = 0.0
            for j in 0..<dx.count { qDx += q[j] * dx[j]; pxDx += px[j] * dx[j] }
            return (qDx, pxDx)
        }
        let projection = qDx + 2 / st.tau * pxDx + VectorMath.dot(scaled.b, d.z)
        let numerator = -residualScale * st.rtau + dkappa / st.tau - projection
        let dtau = numerator / work.denominator
        VectorMath.axpy(dtau, work.constantX, &d.x)
        VectorMath.axpy(dtau, work.constantZ, &d.z)
        cones.multiplyHessian(d.z, into: &d.s)
        work.offset.withUnsafeBufferPointer { offset in
            d.s.withUnsafeMutableBufferPointer { ds in
                for i in 0..<ds.count { ds[i] = -offset[i] - ds[i] }
            }
        }
        d.tau = dtau
        d.kappa = -(dkappa + st.kappa * dtau) / st.tau
        return dtau.isFinite && d.kappa.isFinite && VectorMath.allFinite(d.x) && VectorMath.allFinite(d.z)
    }

    /// Largest step in `[0, 1]` keeping `s, z` in the cones and `τ, κ ≥ 0`; with `centrality`, also
    /// backtracks until nonsymmetric cones stay near the central path.
    private func stepLength(_ st: IterationState, _ d: Direction, centrality: Bool) -> Double {
        var alpha = 1.0
        if d.tau < 0 { alpha = min(alpha, -st.tau / d.tau) }
        if d.kappa < 0 { alpha = min(alpha, -st.kappa / d.kappa) }
        alpha = cones.stepLength(dz: d.z, ds: d.s, z: st.z, s: st.s, alphaMax: alpha)
        guard centrality else { return alpha }
        while alpha > 1e-10 {
            let tau = st.tau + alpha * d.tau, kappa = st.kappa + alpha * d.kappa
            var sz = 0.0
            for i in st.s.indices { sz += (st.s[i] + alpha * d.s[i]) * (st.z[i] + alpha * d.z[i]) }
            let mu = (sz + tau * kappa) / Double(cones.degree + 1)
            if cones.isCentred(dz: d.z, ds: d.s, z: st.z, s: st.s, alpha: alpha, mu: mu) { break }
            alpha *= 0.8
        }
        return alpha
    }

    // MARK: - Termination

    /// Convergence measures in the original problem (no equilibration, no objective scaling), Clarabel's.
    private struct TerminationMetrics {
        var primalObjective = Double.nan, dualObjective = Double.nan
        /// `|primal − dual|`, and relative to max(1, min(|primal|, |dual|)).
        var gapAbsolute = Double.infinity, gapRelative = Double.infinity
        /// `‖Ax + s − b‖∞ / max(1, ‖b‖∞ + ‖x‖∞ + ‖s‖∞)` and `‖Px + Aᵀz + q‖∞ / max(1, ‖q‖∞ + ‖x‖∞ + ‖z‖∞)`,
        /// and the latter with the objective brought to unit size (see `OptimalityCheck`).
        var primalResidual = Double.infinity, dualResidual = Double.infinity, scaledDualResidual = Double.infinity
        /// `bᵀz` and `‖Aᵀz‖∞ / max(1, ‖z‖∞)` of the (unnormalised) dual direction.
        var bTz = 0.0, primalInfeasibilityResidual = Double.infinity
        /// `qᵀx` and `max(‖Px‖∞ / max(1, ‖x‖∞), ‖Ax + s‖∞ / max(1, ‖x‖∞ + ‖s‖∞))` of the primal direction.
        var qTx = 0.0, dualInfeasibilityResidual = Double.infinity
        /// The data's size times each direction's (`max|A, P| · ‖z‖∞`, `max|A, P| · ‖x‖∞`) over the
        /// normalisation of the residual above: a certificate's residual must also be small against these,
        /// or tiny constraint coefficients would pass it (a box `1e-8·x ≤ 5e-8` was called unbounded).
        var primalCertificateScale = 0.0, dualCertificateScale = 0.0
        var tau = 1.0, kappa = 1.0
    }

    /// The termination measures from the norms and dots `computeResiduals` took, unscaled on the fly
    /// (`x = Dx̂`, `s = E⁻¹ŝ`, `z = Eẑ/c`, c = `costScale`, so `Px = D⁻¹P̂x̂/c`, `Aᵀz = D⁻¹Âᵀẑ/c`,
    /// `Ax + s = E⁻¹(Âx̂ + ŝ)`, `Ax + s − bτ = E⁻¹r̂_z`, `Px + Aᵀz + qτ = D⁻¹r̂_x/c`), without forming any
    /// original-space vector.
    private func measure(_ st: IterationState) -> TerminationMetrics {
        let c = costScale
        var t = TerminationMetrics()
        t.tau = st.tau; t.kappa = st.kappa
        // Directions (homogeneous, not divided by τ).
        let pxNorm = st.norms.px / c, atzNorm = st.norms.atz / c, dualResidualNorm = st.norms.rx / c
        let xNorm = st.norms.x, zNorm = st.norms.z / c, sNorm = st.norms.s
        let axsNorm = st.norms.axs, primalResidualNorm = st.norms.rz
        t.bTz = st.bTz / c
        t.qTx = st.qTx / c
        t.primalInfeasibilityResidual = atzNorm / max(1, zNorm)
        t.dualInfeasibilityResidual = max(pxNorm / max(1, xNorm), axsNorm / max(1, xNorm + sNorm))
        t.primalCertificateScale = dataNorms.matrix * zNorm / max(1, zNorm)
        t.dualCertificateScale = dataNorms.matrix * xNorm / max(1, xNorm)

        // Solution estimates x/τ, s/τ, z/τ.
        let inv = 1 / st.tau
        let xPx = st.xPx / c * inv * inv
        t.primalObjective = 0.5 * xPx + t.qTx * inv + problem.objectiveConstant
        t.dualObjective = -0.5 * xPx - t.bTz * inv + problem.objectiveConstant
        t.gapAbsolute = abs(t.primalObjective - t.dualObjective)
        t.gapRelative = t.gapAbsolute / max(1, min(abs(t.primalObjective), abs(t.dualObjective)))
        t.primalResidual = primalResidualNorm * inv / max(1, dataNorms.b + (xNorm + sNorm) * inv)
        t.dualResidual = dualResidualNorm * inv / max(1, dataNorms.q + (xNorm + zNorm) * inv)
        let f = objectiveScaling.unitFactor
        t.scaledDualResidual = dualResidualNorm * inv * f / max(1, (dataNorms.q + zNorm * inv) * f + xNorm * inv)
        if !t.primalObjective.isFinite || !t.dualObjective.isFinite {
            t.gapAbsolute = .infinity; t.gapRelative = .infinity
        }
        return t
    }

    /// Clarabel's test for a step that made things worse: a residual grew, and either the previous iterate
    /// had already met the gap tolerance with κ/τ at rounding level (poor progress at high accuracy), or a
    /// residual above 100× the feasibility tolerance grew more than 100-fold (going backwards).
    private func isInsufficientProgress(_ t: TerminationMetrics, before: TerminationMetrics) -> Bool {
        guard t.dualResidual > before.dualResidual || t.primalResidual > before.primalResidual else { return false }
        let ktRatio = t.kappa / t.tau
        if ktRatio < 100 * Double.ulpOfOne,
           OptimalityCheck.gapMeets(before.gapAbsolute, before.primalObjective, before.dualObjective,
                                    scale: objectiveScaling.unitFactor, absolute: settings.gapAbsoluteTolerance,
                                    relative: settings.gapRelativeTolerance) {
            return true
        }
        guard ktRatio < 1 else { return false }
        let feasibility = 100 * settings.feasibilityTolerance
        return (t.dualResidual > feasibility && t.dualResidual > 100 * before.dualResidual)
            || (t.primalResidual > feasibility && t.primalResidual > 100 * before.primalResidual)
    }

    /// Clarabel's convergence test on the iterate's measures: optimal when κ ≤ τ and the residuals and the
    /// gap are within tolerance; infeasible (or unbounded) when κ/τ is large and the direction's residual
    /// is small against `bᵀz` (or `qᵀx`) — and, Tilt's addition, against the data's size. Without
    /// `kappaTau` the certificates are taken whatever κ/τ (once the iterations have stopped: a problem
    /// without cones, `minimize x`, ran into a short step with κ/τ at 1e-16 and a valid unbounded direction).
    private func checkTermination(_ t: TerminationMetrics, reduced: Bool, kappaTau: Bool = true) -> SolverStatus? {
        let gapAbs = reduced ? settings.reducedGapAbsoluteTolerance : settings.gapAbsoluteTolerance
        let gapRel = reduced ? settings.reducedGapRelativeTolerance : settings.gapRelativeTolerance
        let feas = reduced ? settings.reducedFeasibilityTolerance : settings.feasibilityTolerance
        let infAbs = reduced ? settings.reducedInfeasibilityAbsoluteTolerance : settings.infeasibilityAbsoluteTolerance
        let infRel = reduced ? settings.reducedInfeasibilityRelativeTolerance : settings.infeasibilityRelativeTolerance
        let ktRatio = reduced ? settings.reducedKappaTauTolerance : settings.kappaTauTolerance
        if t.kappa <= t.tau, t.primalResidual < feas, t.dualResidual < feas, t.scaledDualResidual < feas,
           OptimalityCheck.gapMeets(t.gapAbsolute, t.primalObjective, t.dualObjective, scale: objectiveScaling.unitFactor,
                                    absolute: gapAbs, relative: gapRel) {
            return reduced ? .almostOptimal : .optimal
        }
        guard !kappaTau || t.kappa > 1000 / ktRatio * t.tau else { return nil }
        if t.bTz < -infAbs, t.primalInfeasibilityResidual < -infRel * t.bTz,
           t.primalInfeasibilityResidual <= OptimalityCheck.certificateTolerance * t.primalCertificateScale {
            return reduced ? .almostPrimalInfeasible : .primalInfeasible
        }
        if t.qTx < -infAbs, t.dualInfeasibilityResidual < -infRel * t.qTx,
           t.dualInfeasibilityResidual <= OptimalityCheck.certificateTolerance * t.dualCertificateScale {
            return reduced ? .almostDualInfeasible : .dualInfeasible
        }
        return nil
    }

    /// The solution the iterate stands for under `status`, in the original units, if the original data
    /// confirm the status (`OptimalityCheck` and its certificate checks, with the reduced tolerances for the
    /// `almost…` statuses); nil otherwise. Statuses without a solution (limits, numerical trouble) are
    /// returned as they are, with the iterate.
    private func confirmedSolution(_ st: IterationState, status: SolverStatus, metrics t: TerminationMetrics,
                                   iterations: Int, solveTime: Double) -> SolverSolution? {
        func info(_ primal: Double, _ dual: Double, _ gap: Double, _ relative: Double) -> SolverInfo {
            SolverInfo(iterations: iterations, primalResidual: primal, dualResidual: dual, gapAbsolute: gap,
                       gapRelative: relative, solveTime: solveTime, setupTime: setupTime)
        }
        let n = st.x.count, m = st.s.count
        switch status {
        case .primalInfeasible, .almostPrimalInfeasible:
            // Farkas certificate: z ∈ K* with Aᵀz ≈ 0, bᵀz = −1.
            let direction = equilibration.unscaleZ(st.z)
            let z = direction.map { -$0 / VectorMath.dot(problem.b, direction) }
            guard OptimalityCheck.certifiesInfeasibility(problem, z: z, settings: settings,
                                                        reduced: status == .almostPrimalInfeasible) else { return nil }
            return SolverSolution(status: status, x: [Double](repeating: .nan, count: n),
                                  s: [Double](repeating: .nan, count: m), z: z,
                                  primalObjective: .infinity, dualObjective: .infinity,
                                  info: info(t.primalResidual, t.dualResidual, t.gapAbsolute, t.gapRelative))
        case .dualInfeasible, .almostDualInfeasible:
            // Unbounded direction: x with Px ≈ 0, Ax + s ≈ 0 (s ∈ K), qᵀx = −1.
            let direction = equilibration.unscaleX(st.x)
            let scale = -1 / VectorMath.dot(problem.q, direction)
            let x = direction.map { $0 * scale }, s = equilibration.unscaleS(st.s, factor: scale)
            guard OptimalityCheck.certifiesUnboundedness(problem, x: x, s: s, settings: settings,
                                                        reduced: status == .almostDualInfeasible) else { return nil }
            return SolverSolution(status: status, x: x, s: s, z: [Double](repeating: .nan, count: m),
                                  primalObjective: -.infinity, dualObjective: -.infinity,
                                  info: info(t.primalResidual, t.dualResidual, t.gapAbsolute, t.gapRelative))
        case .optimal, .almostOptimal:
            let inv = 1 / st.tau
            let x = equilibration.unscaleX(st.x, factor: inv), s = equilibration.unscaleS(st.s, factor: inv)
            let z = equilibration.unscaleZ(st.z, factor: inv / objectiveScaling.factor)
            let check = OptimalityCheck(problem: problem, x: x, s: s, z: z)
            guard let confirmed = check.status(settings), status == .almostOptimal || confirmed == .optimal else { return nil }
            return SolverSolution(status: confirmed, x: x, s: s, z: z, primalObjective: check.primalObjective,
                                  dualObjective: check.dualObjective,
                                  info: info(check.primalResidual, check.dualResidual, check.gapAbsolute, check.gapRelative))
        default:
            return failedSolution(st, status: status, metrics: t, iterations: iterations, solveTime: solveTime)
        }
    }

    /// The iterate as it stands, for a status that carries no solution (limits, numerical trouble).
    private func failedSolution(_ st: IterationState, status: SolverStatus, metrics t: TerminationMetrics,
                                iterations: Int, solveTime: Double) -> SolverSolution {
        let inv = 1 / st.tau
        return SolverSolution(status: status, x: equilibration.unscaleX(st.x, factor: inv),
                              s: equilibration.unscaleS(st.s, factor: inv),
                              z: equilibration.unscaleZ(st.z, factor: inv / objectiveScaling.factor),
                              primalObjective: .nan, dualObjective: .nan,
                              info: SolverInfo(iterations: iterations, primalResidual: t.primalResidual,
                                               dualResidual: t.dualResidual, gapAbsolute: t.gapAbsolute,
                                               gapRelative: t.gapRelative, solveTime: solveTime, setupTime: setupTime))
    }

    private func printProgress(_ iteration: Int, _ t: TerminationMetrics, _ st: IterationState, _ alpha: Double) {
        func f(_ v: Double) -> String { String(format: "%+.4e", v) }
        if iteration == 0 { print("iter    pcost        dcost       gap       pres      dres      k/t       μ       step") }
        print(String(format: "%3d  ", iteration) + [f(t.primalObjective), f(t.dualObjective),
              String(format: "%.2e  %.2e  %.2e  %.2e  %.2e  %.2e", t.gapRelative, t.primalResidual, t.dualResidual,
                     st.kappa / st.tau, st.mu, alpha)].joined(separator: "  "))
    }
}
