import TiltLinearAlgebra
import TiltModeling

extension PortfolioProblem {
    /// Solves the problem at one rebalance: by `FactorPortfolioSolver` when it is the canonical
    /// factor-portfolio problem (`canonicalForm(in:)`) and the method certifies its answer, otherwise by the
    /// interior-point path on `lowered(in:)` (started from `warmStart`, the previous rebalance's solution).
    /// The solution is in the lowered problem's terms either way (values of w and f, one dual per
    /// constraint of `lowered(in:)`); `method` says which path answered.
    public func solve(in context: PortfolioContext, warmStart: WarmStart? = nil) throws(PortfolioProblemError) -> ProblemSolution {
        if let form = canonicalForm(in: context), let solved = form.solve(constraintCount: loweredConstraintCount(in: context)) {
            return solved
        }
        let problem = try lowered(in: context)
        do {
            return try problem.solve(warmStart: warmStart)
        } catch let error as ModelingError {
            throw PortfolioProblemError(error.message, at: .problem, hint: error.hint)
        } catch {
            throw PortfolioProblemError(String(describing: error), at: .problem)
        }
    }

    /// How many constraints `lowered(in:)` has: the stated ones, `f == B(w − b)`, the regime exposure
    /// definitions (only with a regime objective, never canonical) and the defaults.
    private func loweredConstraintCount(in context: PortfolioContext) -> Int {
        constraints.count + 1 + defaults.count
    }

    /// The problem as `FactorPortfolioSolver` takes it, read from its terms, when it is exactly the
    /// canonical problem: `maximize cᵀf` (c a multiple of `mu`) under one `tev <= limit`, or
    /// `maximize cᵀf − γ·risk` (γ > 0) under none, with bounds on the weights (`w >= l`, `w <= u`,
    /// `|w − c| <= r`, a number or one per unit) and the budget `sum(w) == 1` — and nothing else (sector or
    /// exposure limits, turnover, a regime objective, a minimisation). Nil otherwise.
    public func canonicalForm(in context: PortfolioContext) -> FactorPortfolioForm? {
        guard sense == .maximize else { return nil }
        var exposureWeights = [Double](repeating: 0, count: context.mu.count), riskAversion = 0.0
        for term in objective {
            switch term.quantity {
            case .expectedActiveReturn:
                for r in exposureWeights.indices { exposureWeights[r] += term.coefficient * context.mu[r] }
            case .risk:
                riskAversion -= term.coefficient
            default:
                return nil
            }
        }
        guard exposureWeights.allSatisfy(\.isFinite), riskAversion.isFinite, riskAversion >= 0 else { return nil }
        let n = context.units.count
        var roles: [FactorPortfolioForm.Role] = []
        for constraint in constraints {
            guard let role = constraint.kind.canonicalRole(units: n, benchmark: context.benchmark) else { return nil }
            roles.append(role)
        }
        roles.append(.exposureDefinition)
        for rule in defaults {
            switch rule {
            case .fullyInvested: roles.append(.budget)
            case .longOnly: roles.append(.lowerBound([Double](repeating: 0, count: n)))
            }
        }
        let budgets = roles.filter { $0 == .budget }.count
        let limits = roles.filter { if case .trackingErrorLimit = $0 { return true }; return false }.count
        guard budgets == 1, (limits == 1 && riskAversion == 0) || (limits == 0 && riskAversion > 0) else { return nil }
        return FactorPortfolioForm(
            weights: context.weightVariable, exposures: context.exposureVariable, loadings: context.loadings,
            objectiveExposureWeights: exposureWeights, riskAversion: riskAversion,
            factorCovariance: context.factorCovariance, residualVariances: context.residualVariances,
            benchmark: context.benchmark, roles: roles)
    }
}

extension PortfolioConstraint.Kind {
    /// What the constraint is in the canonical problem, or nil when it is not one of its constraints.
    func canonicalRole(units n: Int, benchmark: [Double]) -> FactorPortfolioForm.Role? {
        /// One value per unit from a number or an n × 1 constant; nil for any other shape or a NaN.
        func perUnit(_ value: ConstantValue) -> [Double]? {
            let m = value.matrix
            let values = m.isScalar ? [Double](repeating: m[0, 0], count: n) : (m.rows == n && m.cols == 1 ? m.storage : nil)
            guard let values, !values.contains(where: \.isNaN) else { return nil }
            return values
        }
        switch self {
        case .trackingErrorAtMost(let limit):
            guard limit > 0, limit.isFinite else { return nil }
            return .trackingErrorLimit(scale: PortfolioContext.annualisation, limit: limit)
        case .budget(let total):
            return total == 1 ? .budget : nil
        case .weightsAtLeast(let bound): return perUnit(bound).map { .lowerBound($0) }
        case .weightsAtMost(let bound): return perUnit(bound).map { .upperBound($0) }
        case .weightsWithin(let center, let radius):
            let middle: [Double]?
            switch center {
            case .benchmark: middle = benchmark
            case .constant(let c): middle = perUnit(c)
            }
            guard let middle, let r = perUnit(radius), r.allSatisfy({ $0 >= 0 }) else { return nil }
            return .activeWeightBound(center: middle, radius: r)
        case .riskAtMost, .turnoverAtMost, .entropicValueAtRiskAtMost, .sector, .exposure, .exposureWithin, .general:
            return nil
        }
    }
}
