import TiltLinearAlgebra
import TiltSolver

/// The data of a `FactorPortfolioProblem` arranged for the active-set steps of `FactorPortfolioSolver`, and
/// the step itself: the stationary point of a guess.
struct FreeSetModel {
    /// Where a guess puts one weight: free (`free` without trading terms; `sold`/`bought` below/above the
    /// weight held before when there are), or at a stop (a bound, or `held` at the weight held before,
    /// strictly inside the bounds).
    enum Place: Hashable {
        case free, sold, bought, lower, upper, held

        /// The sign of a free weight's trade (0 for `free`); nil at a stop.
        var tradeSign: Double? {
            switch self {
            case .free: return 0
            case .sold: return -1
            case .bought: return 1
            case .lower, .upper, .held: return nil
            }
        }
    }

    /// Where a guess puts one linear limit: not binding, or held at its lower or upper end (an equality
    /// is always `upper`).
    enum LimitPlace: Hashable { case inactive, lower, upper }

    struct Guess: Hashable {
        var places: [Place]
        var limits: [LimitPlace]
        var turnoverActive: Bool

        var freeCount: Int { places.reduce(0) { $0 + ($1.tradeSign == nil ? 0 : 1) } }
        /// Rows the free weights must satisfy: the budget, the active limits, the turnover limit.
        var rowCount: Int { 1 + limits.reduce(0) { $0 + ($1 == .inactive ? 0 : 1) } + (turnoverActive ? 1 : 0) }
    }

    /// A guess's stationary point: weights, κ (0 at a vertex, where the rows alone fix the free weights
    /// and a budget does not bind), the multipliers ν, y (0 for an inactive limit) and η, the marginal
    /// value ρ_i = α_i − κ(Σ(w − b))_i − ν − Σ_j y_j a_ji of each weight (trading left out), the price of
    /// trading π = c + η. `exceedsBudget`: the guess's free weights cannot reach the risk budget (a vertex
    /// whose variance is above it), so one more must be freed.
    struct Point {
        var weights: [Double]
        var curvature: Double
        var budgetMultiplier: Double
        var limitMultipliers: [Double]
        var turnoverMultiplier: Double
        var marginals: [Double]
        var price: Double
        var activeVariance: Double
        var exceedsBudget: Bool
        /// aᵀw for each limit, and Σ|w − w₀|.
        var limitValues: [Double]
        var turnover: Double
    }

    let problem: FactorPortfolioProblem
    let n: Int, k: Int
    /// Σ_f's entries, column-major (symmetric: `isWellPosed` checks it).
    let sigmaF: [Double]
    /// w₀ (the benchmark's entries when there are no trading terms; then never used).
    let previous: [Double]
    let hasTrading: Bool

    init(_ problem: FactorPortfolioProblem) {
        self.problem = problem
        n = problem.assetCount
        k = problem.factorCount
        sigmaF = problem.factorCovariance.storage
        previous = problem.trading?.previousWeights ?? problem.benchmark
        hasTrading = problem.trading != nil
    }

    /// Free weights a guess with these rows needs for a stationary point: one per row (with exactly that
    /// many the guess is a vertex, which a budget can hold only when it does not bind).
    func minimumFree(rows: Int) -> Int { rows }

    /// All weights free — on the side of the weight held before towards the benchmark when there are
    /// trading terms; a weight whose bounds are equal at its bound — and no limit but the equalities active.
    func initialGuess() -> Guess {
        let lower = problem.lowerBounds, upper = problem.upperBounds
        let places = (0..<n).map { i -> Place in
            if lower[i] == upper[i] { return .lower }
            guard hasTrading else { return .free }
            if previous[i] <= lower[i] { return .bought }
            if previous[i] >= upper[i] { return .sold }
            return previous[i] <= problem.benchmark[i] ? .bought : .sold
        }
        return Guess(places: places, limits: problem.limits.map { $0.isEquality ? .upper : .inactive }, turnoverActive: false)
    }

    /// The guess that weights `w` suggest: each at the stop it sits on, else free on its side of the weight
    /// held before; the limits it crosses (or meets) active at that end, the turnover limit likewise.
    func guess(near w: [Double]) -> Guess {
        let lower = problem.lowerBounds, upper = problem.upperBounds
        let places = (0..<n).map { i -> Place in
            if w[i] <= lower[i] { return .lower }
            if w[i] >= upper[i] { return .upper }
            guard hasTrading else { return .free }
            return w[i] == previous[i] ? .held : w[i] < previous[i] ? .sold : .bought
        }
        let limits = problem.limits.map { limit -> LimitPlace in
            if limit.isEquality { return .upper }
            let value = limit.value(w)
            return value >= limit.upper ? .upper : value <= limit.lower ? .lower : .inactive
        }
        let turnoverActive = problem.trading?.turnoverLimit.map { problem.turnover(w) >= $0 } ?? false
        return Guess(places: places, limits: limits, turnoverActive: turnoverActive)
    }

    /// y ← Σ_f x for K-vectors.
    func factorCovarianceTimes(_ x: [Double]) -> [Double] {
        [Double](unsafeUninitializedCapacity: k) { y, count in
            x.withUnsafeBufferPointer { factorCovarianceTimes($0.baseAddress!, into: y.baseAddress!) }
            count = k
        }
    }

    /// y ← Σ_f x for K-vectors in place, without allocating (`segment` runs for every guess).
    func factorCovarianceTimes(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        for r in 0..<k {
            var sum = 0.0
            for c in 0..<k { sum += sigmaF[r + c * k] * x[c] }
            y[r] = sum
        }
    }

    /// Where a stop holds a weight.
    func stopValue(_ i: Int, _ place: Place) -> Double {
        switch place {
        case .lower: return problem.lowerBounds[i]
        case .upper: return problem.upperBounds[i]
        default: return previous[i]
        }
    }

    /// A guess's solutions for all t = 1/κ: the optimality conditions with the weights the guess puts at a
    /// stop fixed there and its rows held with equality give weights affine in t and multipliers affine in κ.
    struct Segment {
        let guess: Guess
        /// The active limits' indices (rows 1… after the budget row) and the turnover row, if active.
        let active: [Int]
        let turnoverRow: Int?
        /// As many free weights as rows: the rows alone fix the weights.
        let vertex: Bool
        /// w(t) = offset + t·slope (slope 0 at a stop, and everywhere at a vertex).
        let offset: [Double], slope: [Double]
        /// κ·B(w − b) = exposureSlope + κ·exposureOffset.
        let exposureSlope: [Double], exposureOffset: [Double]
        /// The rows' multipliers (ν, the active limits' y, η) = multiplierOffset + κ·multiplierSlope.
        let multiplierOffset: [Double], multiplierSlope: [Double]
        /// Active variance(t) = a t² + 2 b t + c (c alone at a vertex).
        let variance: (a: Double, b: Double, c: Double)

        func multipliers(_ kappa: Double) -> [Double] {
            zip(multiplierOffset, multiplierSlope).map { $0 + kappa * $1 }
        }
    }

    /// The guess's segment; nil when the guess degenerates (too few free weights, dependent rows).
    ///
    /// One pass over the assets gathers the Woodbury sums and one more gives u and v; the sums live in one
    /// scratch buffer and the active limits' coefficients are looked up once, since this runs for every
    /// guess (most of the method's work besides the small solve).
    func segment(_ guess: Guess) -> Segment? {
        let loadings = problem.loadings.storage, e = problem.residualVariances, alpha = problem.alpha,
            bench = problem.benchmark, cost = problem.costPerUnit, places = guess.places
        let active = guess.limits.indices.filter { guess.limits[$0] != .inactive }
        // The active limits' coefficients, row r + 1 of the guess.
        let rows = active.map { problem.limits[$0].coefficients }
        let p = guess.rowCount, dim = k + p
        let turnoverRow = guess.turnoverActive ? p - 1 : nil
        // Scratch: gram (dim × dim), sumU (dim), the column P_i (dim), the rows' right-hand sides (p), h_A,
        // q', Σ_f g_u, Σ_f g_v, Σ_f (g_v + h_A) (K each).
        let size = dim * dim + 2 * dim + p + 5 * k
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: size)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0, count: size)
        let gram = scratch, sumU = gram + dim * dim, column = sumU + dim, rhs = column + dim, fixedExposure = rhs + p
        let qPrime = fixedExposure + k, sigmaGU = qPrime + k, sigmaGV = sigmaGU + k, sigmaConstant = sigmaGV + k
        // Right-hand sides of the rows, reduced to the free weights' active part d_F = w_F − b_F below.
        rhs[0] = 1
        for (r, j) in active.enumerated() {
            rhs[r + 1] = guess.limits[j] == .lower ? problem.limits[j].lower : problem.limits[j].upper
        }
        if let turnoverRow { rhs[turnoverRow] = problem.trading?.turnoverLimit ?? 0 }

        // Stops: d_i = stop − b_i, contributing h_A = B_A d_A to the exposures. The weights at a stop are
        // the offset's entries there.
        var offset = bench
        var fixedSpecific = 0.0, freeCount = 0
        // Woodbury sums over the free weights, P_i = [B_i; rows at i] (K + p), weighted by 1/E_i:
        // gram = Σ P_i P_iᵀ/E_i (lower triangle), sumU = Σ P_i α̃_i/E_i with α̃_i = α_i − c·s_i.
        for i in 0..<n {
            let place = places[i]
            guard let sign = place.tradeSign else {
                let weight = stopValue(i, place)
                offset[i] = weight
                let d = weight - bench[i]
                guard d.isFinite else { return nil }
                fixedSpecific += e[i] * d * d
                for r in 0..<k { fixedExposure[r] += loadings[i * k + r] * d }
                rhs[0] -= weight
                for r in rows.indices { rhs[r + 1] -= rows[r][i] * weight }
                if let turnoverRow { rhs[turnoverRow] -= abs(weight - previous[i]) }
                continue
            }
            freeCount += 1
            for r in 0..<k { column[r] = loadings[i * k + r] }
            column[k] = 1
            for r in rows.indices { column[k + 1 + r] = rows[r][i] }
            if let turnoverRow { column[k + turnoverRow] = sign }
            let inverse = 1 / e[i], alphaTilde = alpha[i] - cost * sign
            for a in 0..<dim where column[a] != 0 {
                let scaled = column[a] * inverse
                sumU[a] += scaled * alphaTilde
                for b in 0...a { gram[a * dim + b] += scaled * column[b] }
            }
            for r in 0..<p { rhs[r] -= column[k + r] * bench[i] }
            if let turnoverRow { rhs[turnoverRow] += sign * previous[i] }
        }
        guard freeCount >= 1 else { return nil }
        for a in 0..<dim { for b in 0..<a { gram[b * dim + a] = gram[a * dim + b] } }

        // x = D⁻¹(r − B_Fᵀ Σ_f g − A_Fᵀ z) with g = B_F x, A_F x = q:
        //   (I + M Σ_f) g + N z = B_F D⁻¹ r,   Nᵀ Σ_f g + Q z = A_F D⁻¹ r − q,
        // M, N, Q the blocks of gram. Right-hand sides: r = α̃_F, q = 0 for u; r = −Σ_FA d_A = B_Fᵀ q'
        // with q' = −Σ_f h_A, q the reduced row values, for v.
        factorCovarianceTimes(fixedExposure, into: qPrime)
        for r in 0..<k { qPrime[r] = -qPrime[r] }
        var system = [Double](repeating: 0, count: dim * dim), right = [Double](repeating: 0, count: 2 * dim)
        for r in 0..<dim {
            let row = gram + r * dim
            for c in 0..<k {
                var value = r == c ? 1.0 : 0.0
                for l in 0..<k { value += row[l] * sigmaF[l + c * k] }
                system[r + c * dim] = value
            }
            for c in k..<dim { system[r + c * dim] = row[c] }
            right[r] = sumU[r]
            var load = 0.0
            for l in 0..<k { load += row[l] * qPrime[l] }
            right[r + dim] = load - (r >= k ? rhs[r - k] : 0)
        }
        guard let solved = Self.solveEquilibrated(system, right, dim: dim, cols: 2) else { return nil }
        // g_u, z_u: the first column's factor and row parts; g_v, z_v: the second's.
        let gU = Array(solved[0..<k]), zU = Array(solved[k..<dim]), zV = Array(solved[(dim + k)..<(2 * dim)])
        gU.withUnsafeBufferPointer { factorCovarianceTimes($0.baseAddress!, into: sigmaGU) }
        solved.withUnsafeBufferPointer { factorCovarianceTimes($0.baseAddress! + dim, into: sigmaGV) }

        // Free weights: d = t·u + v, w(t) = offset + t·slope. Active variance(t) = a t² + 2 b t + c.
        // At a vertex (as many free weights as rows) u = 0: the weights do not move with t.
        let vertex = freeCount == p
        var slope = [Double](repeating: 0, count: n)
        var a = 0.0, b = 0.0, c = fixedSpecific
        for i in 0..<n {
            guard let sign = places[i].tradeSign else { continue }
            var loadU = 0.0, loadV = 0.0, loadQ = 0.0
            for r in 0..<k {
                let loading = loadings[i * k + r]
                loadU += loading * sigmaGU[r]
                loadV += loading * sigmaGV[r]
                loadQ += loading * qPrime[r]
            }
            var rowU = zU[0], rowV = zV[0]
            for r in rows.indices {
                let coefficient = rows[r][i]
                rowU += coefficient * zU[r + 1]
                rowV += coefficient * zV[r + 1]
            }
            if let turnoverRow {
                rowU += sign * zU[turnoverRow]
                rowV += sign * zV[turnoverRow]
            }
            let u = (alpha[i] - cost * sign - loadU - rowU) / e[i]
            let v = (loadQ - loadV - rowV) / e[i]
            a += e[i] * u * u
            b += e[i] * u * v
            c += e[i] * v * v
            offset[i] = bench[i] + v
            if !vertex { slope[i] = u }
        }
        // Exposures of d: Bd = t·g_u + (g_v + h_A).
        let constantExposure = (0..<k).map { solved[dim + $0] + fixedExposure[$0] }
        constantExposure.withUnsafeBufferPointer { factorCovarianceTimes($0.baseAddress!, into: sigmaConstant) }
        var dotA = 0.0, dotB = 0.0, dotC = 0.0
        for r in 0..<k {
            dotA += gU[r] * sigmaGU[r]
            dotB += gU[r] * sigmaConstant[r]
            dotC += constantExposure[r] * sigmaConstant[r]
        }
        a += dotA
        b += dotB
        c += dotC
        return Segment(guess: guess, active: active, turnoverRow: turnoverRow, vertex: vertex, offset: offset, slope: slope,
                       exposureSlope: vertex ? [Double](repeating: 0, count: k) : gU, exposureOffset: constantExposure,
                       multiplierOffset: zU, multiplierSlope: zV, variance: vertex ? (0, 0, c) : (a, b, c))
    }

    /// Solves the optimality conditions with the weights the guess puts at a stop fixed there and its rows
    /// held with equality; nil when the guess degenerates (see `FactorPortfolioSolver`).
    func stationaryPoint(_ guess: Guess) -> Point? {
        guard let segment = segment(guess) else { return nil }
        // t = 1/κ: 1/(2γ) under aversion (∞, κ = 0, without). A budget the penalised point would exceed binds:
        // t is then the larger root of variance(t) = τ² (the objective grows with t: α̃ᵀu = uᵀΣ_FF u ≥ 0),
        // below 1/(2γ). At a vertex the budget cannot bind; a vertex above it needs one more free weight.
        let (a, b, c) = segment.variance
        let gamma = problem.risk.aversion
        var t = gamma > 0 ? 1 / (2 * gamma) : Double.infinity
        var exceedsBudget = false
        if let tau = problem.risk.budget {
            if segment.vertex {
                exceedsBudget = c > tau * tau
            } else if t.isInfinite || a * t * t + 2 * b * t + c > tau * tau {
                guard let root = budgetRoot(segment, tau), root <= t else { return nil }
                t = root
            }
        }
        guard t > 0 else { return nil }
        var point = self.point(segment, at: t)
        point?.exceedsBudget = exceedsBudget
        return point
    }

    /// The larger root t of variance(t) = τ² on a segment that is not a vertex; nil when there is none.
    func budgetRoot(_ segment: Segment, _ tau: Double) -> Double? {
        let (a, b, c) = segment.variance
        let discriminant = b * b - a * (c - tau * tau)
        guard a > 0, discriminant >= 0 else { return nil }
        return (-b + discriminant.squareRoot()) / a
    }

    /// The segment's point at t = 1/κ (∞ only at a vertex: κ = 0); nil when not finite.
    func point(_ segment: Segment, at t: Double) -> Point? {
        let kappa = t.isInfinite ? 0 : 1 / t
        var weights = segment.offset
        if !segment.vertex {
            let slope = segment.slope
            for i in 0..<n { weights[i] += t * slope[i] }
        }
        let (a, b, c) = segment.variance
        let variance = segment.vertex ? c : a * t * t + 2 * b * t + c
        let z = segment.multipliers(kappa)
        var limitMultipliers = [Double](repeating: 0, count: problem.limits.count)
        for (r, j) in segment.active.enumerated() { limitMultipliers[j] = z[r + 1] }
        let turnoverMultiplier = segment.turnoverRow.map { z[$0] } ?? 0
        let marginals = self.marginals(segment, kappa)
        guard weights.allSatisfy(\.isFinite), marginals.allSatisfy(\.isFinite), variance.isFinite else { return nil }
        return Point(weights: weights, curvature: kappa, budgetMultiplier: z[0], limitMultipliers: limitMultipliers,
                     turnoverMultiplier: turnoverMultiplier, marginals: marginals, price: problem.costPerUnit + turnoverMultiplier,
                     activeVariance: variance, exceedsBudget: false,
                     limitValues: problem.limits.map { $0.value(weights) }, turnover: problem.turnover(weights))
    }

    /// The marginal values ρ_i at κ on a segment, affine in κ: with κ(w − b) = u + κ(offset − b) and κ times
    /// the exposures g_u + κ(g_v + h_A) (u and g_u zero at a vertex), ρ_i = α_i − (κΣ(w − b))_i − ν − Σ_j y_j a_ji.
    func marginals(_ segment: Segment, _ kappa: Double) -> [Double] {
        let loadings = problem.loadings.storage, e = problem.residualVariances, bench = problem.benchmark,
            alpha = problem.alpha, slope = segment.slope, offset = segment.offset
        let rows = segment.active.map { problem.limits[$0].coefficients }
        let z = segment.multipliers(kappa)
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * k) { buffer in
            let exposure = buffer.baseAddress!, sigmaExposure = exposure + k
            for r in 0..<k { exposure[r] = segment.exposureSlope[r] + kappa * segment.exposureOffset[r] }
            factorCovarianceTimes(exposure, into: sigmaExposure)
            return [Double](unsafeUninitializedCapacity: n) { marginals, count in
                loadings.withUnsafeBufferPointer { loadings in
                    for i in 0..<n {
                        var load = 0.0
                        for r in 0..<k { load += loadings[i * k + r] * sigmaExposure[r] }
                        var pull = z[0]
                        for r in rows.indices { pull += rows[r][i] * z[r + 1] }
                        marginals[i] = alpha[i] - load - e[i] * (slope[i] + kappa * (offset[i] - bench[i])) - pull
                    }
                }
                count = n
            }
        }
    }

    /// A X = B for the small (K + p) system (A dim × dim, B dim × cols, both column-major; X likewise), rows
    /// and then columns scaled to a largest entry of 1 first: its factor block is dimensionless while the
    /// row blocks carry Σ 1/E_i (thousands per asset), so unscaled its condition number can pass LAPACK's
    /// singularity threshold although the system is not singular (the KKT matrix of a positive definite
    /// Σ_FF with independent rows). Nil when singular.
    static func solveEquilibrated(_ a: consuming [Double], _ b: consuming [Double], dim: Int, cols: Int) -> [Double]? {
        var columnScale = [Double](repeating: 1, count: dim)
        let equilibrated = a.withUnsafeMutableBufferPointer { s in
            b.withUnsafeMutableBufferPointer { right in
                for r in 0..<dim {
                    var largest = 0.0
                    for c in 0..<dim { largest = Swift.max(largest, abs(s[r + c * dim])) }
                    guard largest > 0, largest.isFinite else { return false }
                    for c in 0..<dim { s[r + c * dim] /= largest }
                    for c in 0..<cols { right[r + c * dim] /= largest }
                }
                for c in 0..<dim {
                    var largest = 0.0
                    for r in 0..<dim { largest = Swift.max(largest, abs(s[r + c * dim])) }
                    guard largest > 0 else { return false }
                    columnScale[c] = 1 / largest
                    for r in 0..<dim { s[r + c * dim] *= columnScale[c] }
                }
                return true
            }
        }
        guard equilibrated, var solved = try? Matrix.solve(Matrix(rows: dim, cols: dim, columnMajor: a),
                                                            Matrix(rows: dim, cols: cols, columnMajor: b)).storage else { return nil }
        for r in 0..<dim { for c in 0..<cols { solved[r + c * dim] *= columnScale[r] } }
        return solved
    }

    /// A guess's stationary point as a solution, once verified (`FactorPortfolioCertificate`). A free weight
    /// within rounding (`activationSlack`) of a bound is put on it: the guesses leave such a weight free (a
    /// limit can pin it there), the path's weight basic at its bound at a degenerate breakpoint stays there
    /// along the segment, and the certificate reads a weight below its lower bound by 1e-15 as infeasible.
    func certified(_ point: Point, _ guess: Guess, iterations: Int) -> FactorPortfolioSolution? {
        guard !point.exceedsBudget else { return nil }
        var weights = point.weights
        for i in 0..<n where guess.places[i].tradeSign != nil {
            let lower = problem.lowerBounds[i], upper = problem.upperBounds[i]
            if lower.isFinite, abs(weights[i] - lower) <= Self.roundingSlack(at: lower) { weights[i] = lower }
            if upper.isFinite, abs(weights[i] - upper) <= Self.roundingSlack(at: upper) { weights[i] = upper }
        }
        let proposal = FactorPortfolioCertificate.Proposal(
            weights: weights, curvature: point.curvature, budgetMultiplier: point.budgetMultiplier,
            limitMultipliers: point.limitMultipliers, turnoverMultiplier: point.turnoverMultiplier, iterations: iterations)
        return FactorPortfolioCertificate.verify(proposal, of: problem)
    }

    /// Under a budget too loose to bind, with neither limits nor trading terms, the linear program's
    /// optimum (`bestCorner`) when its active variance is within the budget; nil otherwise.
    func bestCornerWithinBudget() -> FactorPortfolioSolution? {
        guard problem.limits.isEmpty, !hasTrading, let (weights, nu) = bestCorner() else { return nil }
        // Most budgets bind: a corner clearly above the budget is turned down before the full check (which
        // sums the same variance in another order, so it would fail it too).
        if let tau = problem.risk.budget, activeVariance(weights) > tau * tau * (1 + 1e-6) { return nil }
        return FactorPortfolioCertificate.verify(
            .init(weights: weights, curvature: 0, budgetMultiplier: nu, limitMultipliers: [], turnoverMultiplier: 0, iterations: 1),
            of: problem)
    }

    /// Whether the problem without its limits and trading terms has its linear program's optimum
    /// (`bestCorner`) within the budget: then the limits likely bind before the risk does as well, and
    /// `FactorPortfolioSolver` tries the linear program with them first (a guess, not a proof: the
    /// answer is certified either way).
    func cornerWithoutRowsWithinBudget() -> Bool {
        guard case .trackingErrorBudget(let tau) = problem.risk, let (weights, _) = bestCorner() else { return false }
        return activeVariance(weights) <= tau * tau
    }

    /// Under a budget, the linear program's optimum without limits or trading terms — every weight at its
    /// lower bound, then the rest of the budget to the largest α, each up to its upper bound (κ = 0) — and
    /// ν, the α of the last weight filled; nil when the bounds do not admit it.
    private func bestCorner() -> (weights: [Double], nu: Double)? {
        guard case .trackingErrorBudget = problem.risk, problem.lowerBounds.allSatisfy(\.isFinite) else { return nil }
        let alpha = problem.alpha
        var weights = problem.lowerBounds
        var left = 1 - weights.reduce(0, +)
        var nu = alpha.max() ?? 0
        byDescendingAlpha { i in
            guard left > 0 else { return false }
            let room = problem.upperBounds[i] - weights[i]
            let added = min(room, left)
            weights[i] += added
            left -= added
            nu = alpha[i]
            return true
        }
        guard left == 0 else { return nil }
        return (weights, nu)
    }

    /// The weights' indices from the largest α down (on ties the smaller index first, the order of a stable
    /// sort), handed to `body` until it returns false. A heap: the budget fills after the first few, which
    /// then cost O(n + t log n) rather than a sort of all n (bestCorner's sort was most of its time).
    func byDescendingAlpha(_ body: (Int) -> Bool) {
        let alpha = problem.alpha
        var heap = Array(0..<n)
        heap.withUnsafeMutableBufferPointer { heap in
            /// Restores the heap order below `parent` among the first `count` entries.
            func siftDown(_ parent: Int, _ count: Int) {
                var parent = parent
                while true {
                    var first = parent
                    for child in (2 * parent + 1)...(2 * parent + 2) where child < count {
                        let a = heap[child], b = heap[first]
                        if alpha[a] > alpha[b] || alpha[a] == alpha[b] && a < b { first = child }
                    }
                    guard first != parent else { return }
                    heap.swapAt(parent, first)
                    parent = first
                }
            }
            for parent in stride(from: n / 2 - 1, through: 0, by: -1) { siftDown(parent, n) }
            for count in stride(from: n, to: 0, by: -1) {
                guard body(heap[0]) else { return }
                heap.swapAt(0, count - 1)
                siftDown(0, count - 1)
            }
        }
    }
}
