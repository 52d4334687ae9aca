import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltPortfolio

/// The strategy's problem solved at one rebalance: the solution (weights, exposures, one dual per lowered
/// constraint, the method that answered), what a backtest records of it (active exposures, the ex-ante
/// risk decomposition, turnover) and the weights of the stocks behind the decision units. The backtester
/// takes one at every rebalance; a session takes one at any month to compare with the backtest.
public struct MonthDecision: Sendable {
    public let solution: ProblemSolution
    /// The decision as a backtest records it, over the decision units.
    public let record: BacktestResult.Rebalance
    /// Weights and benchmark weights of the stocks behind the units (`RebalanceView.stockColumns`' order):
    /// a unit's weight spread over its stocks by their shares (cap weights inside a sector).
    public let stockWeights: [Double]
    public let stockBenchmark: [Double]
}

extension RebalanceView {
    /// Solves `problem` in this month's context (from `warmStart`, the previous rebalance's solution) and
    /// decomposes the decision: f = B(w − b); each factor's contribution f_k(Σ_f f)_k and the specific
    /// part (w − b)ᵀE(w − b) of the monthly ex-ante active variance; turnover against the weights held.
    /// `firstRebalance` says the book starts in cash here (nothing is held): the rebalance builds it, so a
    /// turnover limit applies from the second rebalance on (Docs/conventions.md).
    /// Throws `BacktestError` when the problem cannot be posed or is not solved.
    public func decide(_ problem: PortfolioProblem, warmStart: WarmStart? = nil, firstRebalance: Bool) throws -> MonthDecision {
        let context = portfolio
        let month = context.month
        let posed = firstRebalance ? problem.withoutTurnoverLimits : problem
        let solution: ProblemSolution
        do {
            solution = try posed.solve(in: context, warmStart: warmStart)
        } catch {
            throw BacktestError(month: month, error.message, hint: error.hint, problemError: error)
        }
        guard solution.status == .optimal || solution.status == .almostOptimal,
              let w = solution.values.first(where: { $0.0 === context.weightVariable })?.1.storage else {
            throw BacktestError(month: month, "the problem is \(solution.status.description)",
                                hint: Self.hint(posed, solution.status, in: context))
        }
        let unitBenchmark = context.benchmark, unitLoadings = context.loadings, factorCovariance = context.factorCovariance
        let active = zip(w, unitBenchmark).map { $0 - $1 }
        let exposures = (0..<unitLoadings.rows).map { r in (0..<context.units.count).reduce(0) { $0 + unitLoadings[r, $1] * active[$1] } }
        let k = factorCovariance.rows
        let factorExposures = Array(exposures.dropFirst())
        let sigmaF = (0..<k).map { i in (0..<k).reduce(0) { $0 + factorCovariance[i, $1] * factorExposures[$1] } }
        let factorContributions = (0..<k).map { factorExposures[$0] * sigmaF[$0] }
        let specific = zip(active, context.residualVariances).reduce(0) { $0 + $1.0 * $1.0 * $1.1 }
        let turnover = zip(w, context.previousWeights).reduce(0) { $0 + abs($1.0 - $1.1) }
        var stockWeights = [Double](repeating: 0, count: stockColumns.count)
        var stockBenchmark = [Double](repeating: 0, count: stockColumns.count)
        for (u, members) in membership.enumerated() {
            for (s, share) in members {
                stockWeights[s] += w[u] * share
                stockBenchmark[s] += unitBenchmark[u] * share
            }
        }
        let regime = context.regime
        let record = BacktestResult.Rebalance(
            month: month, assets: context.units, weights: w, benchmarkWeights: unitBenchmark, sectors: context.sectors,
            turnover: turnover, factorNames: context.exposureNames, activeExposures: exposures,
            factorRiskContributions: factorContributions, specificRiskContribution: specific,
            exAnteActiveVariance: factorContributions.reduce(0, +) + specific, status: solution.status.rawValue,
            method: solution.method.rawValue, regimeProbabilities: regime?.probabilities, filteredRegimeProbabilities: regime?.filteredProbabilities)
        return MonthDecision(solution: solution, record: record, stockWeights: stockWeights, stockBenchmark: stockBenchmark)
    }

    /// What to suggest when the month's problem, as posed (no turnover limit at the first rebalance), is not
    /// solved: when the bounds on the weights alone cannot meet the budget, which bounds and by how much;
    /// when a tracking-error, risk or EVaR limit is below the least the other constraints allow, that least
    /// value; with a turnover limit in force, that it may leave no way from the weights held to the other
    /// constraints; otherwise the status's own hint.
    private static func hint(_ problem: PortfolioProblem, _ status: ProblemSolution.Status, in context: PortfolioContext) -> String? {
        guard status == .infeasible else { return status.hint }
        if let bounds = boundsHint(problem, in: context) { return bounds }
        let limitsTurnover = problem.constraints.contains { if case .turnoverAtMost = $0.kind { return true }; return false }
        let turnoverAdvice = "the turnover limit may be too tight to trade from the weights held (it applies from the second rebalance)"
        switch riskFloorHint(problem, in: context) {
        case .above(let floor, let heldBy):
            return floor + (limitsTurnover ? "; \(turnoverAdvice): loosen it, or the limit" : ": loosen the limit, or \(heldBy)")
        case .othersInfeasible(let others):
            return others + (limitsTurnover ? "; \(turnoverAdvice)" : "")
        case nil: break
        }
        guard limitsTurnover else { return status.hint }
        return "the turnover limit may be too tight to trade from the weights held into the other constraints (it applies from the second rebalance); loosen it, or a tracking-error cap"
    }

    /// Why a limit on a risk measure leaves no portfolio, or nil when the month's problem does not say: the
    /// problem is solved again with every `tev`, `risk` and `evar` limit left out and the first one's
    /// measure minimised. When that least value is above the limit, the figure (a benchmark holding 56% in
    /// one stock under `w <= 2%` needs a tracking error far above a 5% cap, whatever the weights); when the
    /// other constraints admit no portfolio on their own, those constraints.
    static func riskFloorHint(_ problem: PortfolioProblem, in context: PortfolioContext) -> RiskFloor? {
        func isRiskLimit(_ kind: PortfolioConstraint.Kind) -> Bool {
            switch kind {
            case .trackingErrorAtMost, .riskAtMost, .entropicValueAtRiskAtMost: return true
            default: return false
            }
        }
        guard let limit = problem.constraints.first(where: { isRiskLimit($0.kind) }) else { return nil }
        var floor = problem
        floor.sense = .minimize
        floor.constraints.removeAll { isRiskLimit($0.kind) }
        switch limit.kind {
        case .entropicValueAtRiskAtMost(let confidence, _): floor.objective = [ObjectiveTerm(.entropicValueAtRisk(confidence: confidence))]
        default: floor.objective = [ObjectiveTerm(.risk)]
        }
        guard let least = try? floor.solve(in: context) else { return nil }
        if least.status == .infeasible {
            let others = floor.constraints.map { "`\($0.text)`" }
            return others.isEmpty ? nil : .othersInfeasible("even without `\(limit.text)` no portfolio meets the other constraints (\(others.joined(separator: ", ")))")
        }
        guard least.status == .optimal, let value = least.objective, value.isFinite else { return nil }
        let allowed = "the other constraints allow at this rebalance is", towardsBenchmark = "the constraints that hold w away from the benchmark"
        switch limit.kind {
        case .trackingErrorAtMost(let cap):
            let tev = (12 * max(0, value)).squareRoot()
            guard tev > cap * (1 + 1e-6) else { return nil }
            return .above("the least ex-ante tracking error \(allowed) \(percent(tev)), above `\(limit.text)`", heldBy: towardsBenchmark)
        case .riskAtMost(let cap):
            guard value > cap * (1 + 1e-6) else { return nil }
            return .above("the least ex-ante active variance \(allowed) \(formatNumber(value, significantDigits: 4)) (monthly), above `\(limit.text)`", heldBy: towardsBenchmark)
        case .entropicValueAtRiskAtMost(let confidence, let cap):
            guard value > cap + 1e-6 * max(1, abs(cap)) else { return nil }
            return .above("the least EVaR at \(percent(confidence)) \(allowed) \(percent(value)) of the portfolio (monthly), above `\(limit.text)`",
                          heldBy: "the constraints that keep w from the least risky portfolio")
        default:
            return nil
        }
    }

    /// What `riskFloorHint` found: the least value of the limited measure, above its limit (with the
    /// constraints that may hold the measure up), or that the other constraints admit no portfolio without
    /// the risk limits.
    enum RiskFloor {
        case above(String, heldBy: String)
        case othersInfeasible(String)
    }

    /// Why the bounds on `w` alone leave no portfolio, or nil when they do not: the units' bounds
    /// (`w >= l`, `w <= u`, `|w - c| <= r`, the default `w >= 0`) add up to more than the budget
    /// (`sum(w) == x`, by default 1) at their lower ends or to less at their upper ends. With 47 industries,
    /// `w <= 1%` allows at most 47% in all. Bounds given per unit in another shape are left to the solver.
    static func boundsHint(_ problem: PortfolioProblem, in context: PortfolioContext) -> String? {
        let n = context.units.count
        var total: Double? = problem.defaults.contains(.fullyInvested) ? 1 : nil
        var lower = [Double](repeating: problem.defaults.contains(.longOnly) ? 0 : -.infinity, count: n)
        var upper = [Double](repeating: .infinity, count: n)
        var lowerTexts: [String] = problem.defaults.contains(.longOnly) ? ["w >= 0 (the default)"] : [], upperTexts: [String] = []
        let perUnit = context.perUnit
        for constraint in problem.constraints {
            switch constraint.kind {
            case .budget(let x): total = x
            case .weightsAtLeast(let bound):
                guard let l = perUnit(bound) else { return nil }
                lower = zip(lower, l).map { max($0, $1) }
                lowerTexts.append(constraint.text)
            case .weightsAtMost(let bound):
                guard let u = perUnit(bound) else { return nil }
                upper = zip(upper, u).map { min($0, $1) }
                upperTexts.append(constraint.text)
            case .weightsWithin(let center, let radius):
                guard let c = context.values(of: center), let r = perUnit(radius) else { return nil }
                lower = zip(lower, zip(c, r).map { $0 - $1 }).map { max($0, $1) }
                upper = zip(upper, zip(c, r).map { $0 + $1 }).map { min($0, $1) }
                lowerTexts.append(constraint.text)
                upperTexts.append(constraint.text)
            default: break
            }
        }
        guard let total else { return nil }
        func listed(_ texts: [String]) -> String { texts.map { "`\($0)`" }.joined(separator: ", ") }
        let units = "the \(n) eligible \(n == 1 ? "unit" : "units")"
        if let i = (0..<n).first(where: { lower[$0] > upper[$0] + 1e-12 }) {
            return "the bounds on w (\(listed(lowerTexts + upperTexts.filter { !lowerTexts.contains($0) }))) leave no weight for \(context.units[i]): it must be at least \(percent(lower[i])) and at most \(percent(upper[i]))"
        }
        let least = lower.reduce(0, +), most = upper.reduce(0, +), slack = 1e-9 * max(1, abs(total))
        if least > total + slack {
            return "the bounds on w (\(listed(lowerTexts))) hold at least \(percent(least)) in all over \(units), more than the budget's \(percent(total))"
        }
        if most < total - slack {
            return "the bounds on w (\(listed(upperTexts))) allow at most \(percent(most)) in all over \(units), less than the budget's \(percent(total))"
        }
        return nil
    }

    /// A fraction as the hints print it: percent, 4 significant digits.
    private static func percent(_ x: Double) -> String { formatNumber(x * 100, significantDigits: 4) + "%" }
}
