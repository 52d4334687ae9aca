import Foundation
import TiltLinearAlgebra
import TiltModeling
import TiltSolver

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
    /// definitions (with a regime objective; the canonical form has at most the single-component
    /// `regime_utility`, in the objective) and the defaults.
    private func loweredConstraintCount(in context: PortfolioContext) -> Int {
        let usesRegimeExposures = objective.contains {
            switch $0.quantity {
            case .regimeUtility, .entropicValueAtRisk: return true
            default: return false
            }
        }
        return constraints.count + 1 + (usesRegimeExposures ? context.regimeExposureVariables.count : 0) + defaults.count
    }

    /// The problem as `FactorPortfolioSolver` takes it, read from its terms, when it is one of the
    /// problems it solves: `maximize` a sum of `c·mu'f`, `− γ·risk` (γ > 0), `− c_t·turnover` (c_t ≥ 0)
    /// and, with an OLS model, either `ω·regime_utility(phi: φ)` (ω > 0: mean–variance) or `− ω·evar(p)`
    /// (ω > 0: mean–volatility) — or `minimize` the negative of such a sum — under the budget
    /// `sum(w) == 1`, bounds on the weights (`w >= l`, `w <= u`, `|w − c| <= r`, a number or one per
    /// unit), at most one `tev <= limit` or `risk <= limit`, sector limits and bands (`sector("name")`,
    /// `sector("name", w - b)`), exposure limits (`f[name] <= x`, `|f[name]| <= x`) and a turnover limit —
    /// with some risk to trade off (an aversion or a risk limit), and nothing else (an expression, `tev`
    /// in the objective, a regime model's `regime_utility` or `evar`). Nil otherwise.
    public func canonicalForm(in context: PortfolioContext) -> FactorPortfolioForm? {
        // A minimisation is the maximisation of the objective's negative.
        let sign: Double = sense == .maximize ? 1 : -1
        var exposureWeights = [Double](repeating: 0, count: context.mu.count), riskAversion = 0.0, cost = 0.0
        var utility: FactorPortfolioForm.Utility?, evar: FactorPortfolioForm.EntropicValueAtRisk?
        /// The single component's expected returns R = Bᵀmu and exposure variable f_portfolio (OLS only).
        func component() -> (expected: [Double], exposures: Variable)? {
            guard utility == nil, evar == nil, context.regime == nil, let variable = context.regimeExposureVariables.first
            else { return nil }
            let expected = (0..<context.units.count).map { j in
                (0..<context.mu.count).reduce(0) { $0 + context.loadings[$1, j] * context.mu[$1] }
            }
            return (expected, variable)
        }
        for term in objective {
            let coefficient = sign * term.coefficient
            switch term.quantity {
            case .expectedActiveReturn:
                for r in exposureWeights.indices { exposureWeights[r] += coefficient * context.mu[r] }
            case .risk:
                riskAversion -= coefficient
            case .turnover:
                cost -= coefficient
            case .regimeUtility(let phi):
                guard coefficient > 0, phi > 0, phi.isFinite, let (expected, variable) = component() else { return nil }
                utility = .init(weight: coefficient, phi: phi, expectedReturns: expected, exposures: variable)
            case .entropicValueAtRisk(let confidence):
                guard coefficient < 0, confidence > 0, confidence < 1, let (expected, variable) = component() else { return nil }
                evar = .init(weight: -coefficient, volatilityMultiplier: (-2 * log(1 - confidence)).squareRoot(),
                             expectedReturns: expected, exposures: variable)
            default:
                return nil
            }
        }
        guard exposureWeights.allSatisfy(\.isFinite), riskAversion.isFinite, riskAversion >= 0, cost.isFinite, cost >= 0
        else { return nil }
        var roles: [FactorPortfolioForm.Role] = []
        for constraint in constraints {
            guard let role = constraint.kind.canonicalRole(in: context) else { return nil }
            roles.append(role)
        }
        roles.append(.exposureDefinition)
        if utility != nil || evar != nil { roles.append(.utilityExposureDefinition) }
        let n = context.units.count
        for rule in defaults {
            switch rule {
            case .fullyInvested: roles.append(.budget)
            case .longOnly: roles.append(.lowerBound([Double](repeating: 0, count: n)))
            }
        }
        let budgets = roles.filter { $0 == .budget }.count
        let riskLimits = roles.filter {
            switch $0 {
            case .trackingErrorLimit, .varianceLimit: return true
            default: return false
            }
        }.count
        guard budgets == 1, riskLimits <= 1, riskLimits == 1 || riskAversion > 0 || utility != nil || evar != nil else { return nil }
        return FactorPortfolioForm(
            weights: context.weightVariable, exposures: context.exposureVariable, loadings: context.loadings,
            objectiveExposureWeights: exposureWeights, riskAversion: riskAversion, utility: utility, evar: evar,
            minimised: sense == .minimize, costPerTurnover: cost,
            factorCovariance: context.factorCovariance, residualVariances: context.residualVariances,
            benchmark: context.benchmark, previousWeights: context.previousWeights, roles: roles)
    }
}

extension PortfolioConstraint.Kind {
    /// What the constraint is in the structured method's problem at this month, or nil when it is not one
    /// of its constraints (or names a sector or factor the month does not have: the lowering reports it).
    func canonicalRole(in context: PortfolioContext) -> FactorPortfolioForm.Role? {
        let n = context.units.count, benchmark = context.benchmark
        let perUnit = context.perUnit
        /// `lower ≤ aᵀw ≤ upper` for `x REL value`, x = aᵀw + offset.
        func limit(_ a: [Double], offset: Double, _ relation: PortfolioConstraint.Relation, _ value: Double, exposure: Int?) -> FactorPortfolioForm.Role? {
            guard value.isFinite else { return nil }
            let bound = value - offset
            switch relation {
            case .lessEqual: return .linearLimit(coefficients: a, lower: -.infinity, upper: bound, exposure: exposure, dual: .upper)
            case .greaterEqual: return .linearLimit(coefficients: a, lower: bound, upper: .infinity, exposure: exposure, dual: .lower)
            case .equal: return .linearLimit(coefficients: a, lower: bound, upper: bound, exposure: exposure, dual: .upper)
            }
        }
        /// `|x − center| <= radius` for x = aᵀw + offset.
        func band(_ a: [Double], offset: Double, center: Double, radius: Double, exposure: Int?) -> FactorPortfolioForm.Role? {
            guard radius >= 0, radius.isFinite, center.isFinite else { return nil }
            return .linearLimit(coefficients: a, lower: center - radius - offset, upper: center + radius - offset,
                                exposure: exposure, dual: .band)
        }
        /// The indicator of a sector's units, nil when the month has no such sector.
        func members(_ name: String) -> [Double]? {
            guard let sectors = context.sectors, sectors.contains(name) else { return nil }
            return sectors.map { $0 == name ? 1 : 0 }
        }
        /// Row r of the loadings (f_r = row·w − row·b), nil for a name f does not have.
        func exposureRow(_ name: String) -> (row: Int, coefficients: [Double], benchmark: Double)? {
            guard let r = context.exposureNames.firstIndex(of: name) else { return nil }
            let row = (0..<n).map { context.loadings[r, $0] }
            return (r, row, VectorMath.dot(row, benchmark))
        }
        switch self {
        case .trackingErrorAtMost(let limit):
            guard limit > 0, limit.isFinite else { return nil }
            return .trackingErrorLimit(scale: PortfolioContext.annualisation, limit: limit)
        case .riskAtMost(let limit):
            guard limit > 0, limit.isFinite else { return nil }
            return .varianceLimit(limit)
        case .turnoverAtMost(let limit):
            guard limit >= 0, limit.isFinite else { return nil }
            return .turnoverLimit(limit)
        case .budget(let total):
            return total == 1 ? .budget : nil
        case .weightsAtLeast(let bound): return perUnit(bound).map { .lowerBound($0) }
        case .weightsAtMost(let bound): return perUnit(bound).map { .upperBound($0) }
        case .weightsWithin(let center, let radius):
            guard let middle = context.values(of: center), let r = perUnit(radius), r.allSatisfy({ $0 >= 0 }) else { return nil }
            return .activeWeightBound(center: middle, radius: r)
        case .sector(let name, let relation, let value):
            return members(name).flatMap { limit($0, offset: 0, relation, value, exposure: nil) }
        case .exposure(let name, let relation, let value):
            return exposureRow(name).flatMap { limit($0.coefficients, offset: -$0.benchmark, relation, value, exposure: $0.row) }
        case .exposureWithin(let name, let radius):
            return exposureRow(name).flatMap { band($0.coefficients, offset: -$0.benchmark, center: 0, radius: radius, exposure: $0.row) }
        case .entropicValueAtRiskAtMost, .general:
            return nil
        }
    }
}
