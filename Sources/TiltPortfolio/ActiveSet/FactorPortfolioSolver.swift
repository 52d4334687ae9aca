/// Solves `FactorPortfolioProblem`s by a primal–dual active-set method (Hintermüller, Ito & Kunisch 2003)
/// on the optimality conditions, with the factor structure kept.
///
/// A guess says where each weight is: at a stop — its lower or upper bound, or, with trading terms, the
/// weight held before (where the cost of trading has its kink) — or free between two stops (on the
/// selling or the buying side of the weight held before, which fixes the sign of its trade); and which
/// linear limits, and whether the turnover limit, hold with equality. For a guess the optimality
/// conditions are linear in t = 1/κ: the free weights are `w_F(t) = b_F + t·u + v`, where u and v solve
/// `Σ_FF x + A_Fᵀ z = r, A_F x = q` (A_F: the budget row, the active limits and the turnover row, whose
/// coefficients are the trade signs), by the Woodbury identity a (K + p) × (K + p) system for p active
/// rows — O(n·(K + p)²) per guess (`FreeSetModel.stationaryPoint`). A budget fixes t as the root of the
/// quadratic `active variance(t) = τ²`; aversion sets t = 1/(2γ) (with a budget as well, the smaller of
/// the two). The next guess moves free weights past a stop onto it, weights at a stop whose marginal value
/// lies outside what the stop can hold back off it, limits that are crossed onto them and limits whose
/// multiplier has the wrong sign off them, until it repeats (should the updates cycle, one change at a
/// time from then on; should a guess leave too few free weights for its rows, the weakest stops are
/// released). A budget too loose to bind is recognised first when there are neither limits nor trading
/// terms: the linear program's optimum (fill the largest α up to their bounds), if within it.
///
/// With limits and no trading terms, should the guesses not settle, the parametric path from the linear
/// program's optimum follows the optimum as κ grows, one change per breakpoint, to the budget or to κ = 2γ
/// (`FreeSetModel.pathFromLinearProgram`): several limits near-active together with many bounds (a sector
/// cap beside exposure bands and `w <= 10%`) can make the simultaneous updates cycle. Under a budget alone
/// the limits may bind before the risk does, at a vertex of the linear program inside the budget
/// (`FreeSetModel.vertexWithinBudget`), which steps along the budget do not reach. Both are tried once the
/// full updates end (a cycle or an overshoot) or have not settled in `handOverIteration` guesses, the
/// vertex first — the vertex also as soon as κ has fallen to `vertexCurvatureShare` of the first guess's
/// (the budget's price heading for 0), and before any guess when the problem without its rows has its
/// corner within the budget (then the rows likely bind first too); the search goes on where they fail. The linear program is
/// solved once per problem for both.
///
/// Turnover is handled by its kinks rather than by splitting w − w₀ into purchases and sales: the weight
/// held before is one more stop, and on each side of it a free weight's trade has a known sign, so the
/// turnover limit is one linear row on the free weights and the cost a shift of their α by ∓c. Splitting
/// would double the variables and put two bounds on each; the kinks keep n weights and each step the same
/// O(n·(K + p)²) system.
///
/// Written by hand: no maintained library offers this structured method. It returns nil — and the caller
/// runs the interior-point solver — whenever the data are out of its scope, a guess degenerates (too few
/// free weights, dependent rows, no real root, t ≤ 0), it does not settle in `maximumIterations`, or the
/// KKT conditions, checked from scratch by `FactorPortfolioCertificate`, do not hold to 1e-9. So it never
/// returns an uncertified point.
public enum FactorPortfolioSolver {
    public static let maximumIterations = 60
    /// The iteration from which guesses are remembered to detect cycling.
    static let cycleWatchStart = 8
    /// Guesses after which a search with limits that has not settled hands over to the vertex and the path
    /// (exposure_limits' months mostly settle in 4–11 guesses; most of those that do not, cycle or sit at
    /// the vertex). The linear program costs about as much as one guess (85k instructions at 48 assets).
    static let handOverIteration = 12
    /// Under a budget alone, a search whose curvature κ (the budget's price) has fallen to this share of its
    /// first guess's is heading for a point where the budget stops binding — a vertex of the linear program
    /// inside it (exposure_limits: κ falls from 50–60 to 0 over 5–6 guesses, then the guesses circle the
    /// vertex until the hand-over) — and the vertex is tried then.
    static let vertexCurvatureShare = 0.1
    /// Relative KKT residual accepted as optimal.
    public static var tolerance: Double { FactorPortfolioCertificate.tolerance }

    /// The certified optimum of `problem`, or nil. With `near` (the weights of a nearby problem's optimum, e.g.
    /// the previous step of `FactorPortfolioForm`'s search over the aversion) the search first starts from
    /// the guess those weights suggest, and falls back to the search from scratch should that not settle.
    public static func solve(_ problem: FactorPortfolioProblem, near weights: [Double]? = nil) -> FactorPortfolioSolution? {
        guard problem.isWellPosed else { return nil }
        let model = FreeSetModel(problem)
        if let weights, weights.count == problem.assetCount,
           let solution = search(model, from: model.guess(near: weights)) {
            return solution
        }
        if let corner = model.bestCornerWithinBudget() { return corner }
        guard !problem.limits.isEmpty || problem.trading != nil else { return search(model, from: model.initialGuess()) }
        // The linear program's optimum, solved at most once (the vertex and the path start there).
        lazy var linearProgram = model.linearProgramOptimum()
        let budgetAlone = problem.risk.budget != nil && problem.risk.aversion == 0
        if budgetAlone, model.cornerWithoutRowsWithinBudget(), let vertex = model.vertexWithinBudget(linearProgram) {
            return vertex
        }
        let pathApplies = !problem.limits.isEmpty && !model.hasTrading
        var pathTried = false
        let solution = search(model, from: model.initialGuess(), vertex: {
            budgetAlone ? model.vertexWithinBudget(linearProgram) : nil
        }, path: {
            guard pathApplies else { return nil }
            pathTried = true
            return model.pathFromLinearProgram(linearProgram)
        })
        if let solution { return solution }
        if pathApplies, !pathTried, let solution = model.pathFromLinearProgram(linearProgram) { return solution }
        // A second search from where the problem without limits or trading terms ends.
        if let plain = solve(problem.withoutLimitsOrTrading),
           let solution = search(model, from: model.guess(near: plain.weights)) {
            return solution
        }
        return budgetAlone ? model.vertexWithinBudget(linearProgram) : nil
    }

    /// The search from `initial`, for at most `maximumIterations` guesses: the certified optimum, or nil.
    /// `vertex` and `path` are each asked once, when the full updates end or have not settled in
    /// `handOverIteration` guesses — `vertex` earlier should the curvature fall to `vertexCurvatureShare`
    /// of the first guess's; the search goes on when they answer nil.
    private static func search(_ model: FreeSetModel, from initial: FreeSetModel.Guess,
                               vertex: () -> FactorPortfolioSolution? = { nil },
                               path: () -> FactorPortfolioSolution? = { nil }) -> FactorPortfolioSolution? {
        var search = Search(model: model, guess: initial)
        guard var point = model.stationaryPoint(search.guess) else { return nil }
        var vertexTried = false, pathTried = false
        let firstCurvature = point.curvature
        for iteration in 1...maximumIterations {
            let next = model.nextGuess(after: search.guess, at: point)
            if next == search.guess { return model.certified(point, next, iterations: iteration) }
            if !vertexTried, point.curvature <= vertexCurvatureShare * firstCurvature {
                vertexTried = true
                if let solution = vertex() { return solution }
            }
            let wasFull = search.full
            let moved = search.step(to: next, at: point, iteration: iteration)
            if (wasFull && !search.full) || iteration == handOverIteration {
                if !vertexTried, let solution = vertex() { return solution }
                vertexTried = true
                if !pathTried, let solution = path() { return solution }
                pathTried = true
            }
            guard let moved else { return nil }
            point = moved
        }
        return nil
    }

    /// Where the search stands and how it moves: first by full updates; once they cycle (a guess seen
    /// again) or overshoot (a guess without a stationary point), the rows — the linear limits and the
    /// turnover limit — change one at a time: a row whose multiplier has the wrong sign is released at
    /// once, a crossed row is made active only after the places of the weights have settled under the rows
    /// as they are (by full updates of the places, then by single changes should those cycle in turn).
    /// Should the rows come back to rows seen before, the first row to change by index changes (Bland's
    /// rule) rather than the most violated.
    private struct Search {
        let model: FreeSetModel
        var guess: FreeSetModel.Guess
        var full = true
        /// Guesses of the full updates, from `cycleWatchStart` on.
        var seen: Set<FreeSetModel.Guess> = []
        /// The places tried under the current rows, and whether they have cycled.
        var placesSeen: Set<[FreeSetModel.Place]> = []
        var placesOneAtATime = false
        /// The rows the search has changed from, and whether those have repeated.
        var rowsSeen: Set<FreeSetModel.Guess> = []
        var leastIndex = false

        init(model: FreeSetModel, guess: FreeSetModel.Guess) {
            self.model = model
            self.guess = guess
        }

        /// Moves from `guess` towards `next` (the full update at `point`); the new guess's stationary point,
        /// or nil when no move has one.
        mutating func step(to next: FreeSetModel.Guess, at point: FreeSetModel.Point, iteration: Int) -> FreeSetModel.Point? {
            if full {
                var candidate = next
                model.keepFree(in: &candidate, from: guess, at: point)
                if iteration < cycleWatchStart || seen.insert(candidate).inserted, let moved = model.stationaryPoint(candidate) {
                    guess = candidate
                    return moved
                }
                full = false
            }
            var candidates: [FreeSetModel.Guess]
            var places = guess
            places.places = next.places
            model.keepFree(in: &places, from: guess, at: point)
            if !model.releasesRows(from: guess, to: next), next.places != guess.places, places != guess {
                if !placesOneAtATime, placesSeen.insert(places.places).inserted, let moved = model.stationaryPoint(places) {
                    guess = places
                    return moved
                }
                placesOneAtATime = true
                var placesOnly = next
                placesOnly.limits = guess.limits
                placesOnly.turnoverActive = guess.turnoverActive
                candidates = model.singleChanges(from: guess, to: placesOnly, at: point)
            } else {
                // A row whose multiplier has the wrong sign, or the places settled under these rows: one
                // row changes (a release first).
                var rows = guess
                rows.places = []
                if !rowsSeen.insert(rows).inserted { leastIndex = true }
                candidates = model.singleRowChange(from: guess, to: next, at: point, leastIndex: leastIndex).map { [$0] } ?? []
                placesSeen = []
                placesOneAtATime = false
            }
            for var candidate in candidates {
                model.keepFree(in: &candidate, from: guess, at: point)
                if candidate != guess, let moved = model.stationaryPoint(candidate) {
                    guess = candidate
                    return moved
                }
            }
            return nil
        }
    }
}
