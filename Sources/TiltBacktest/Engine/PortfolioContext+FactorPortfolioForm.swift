import TiltLinearAlgebra
import TiltModeling

extension PortfolioContext {
    /// `problem` with its `factorPortfolioForm` set when it is, exactly, the canonical portfolio problem of
    /// this context — `maximize cᵀf` or `maximize cᵀf − γ·risk` (γ > 0, constants c), with the constraints
    /// `f == B(w − b)`, `sum(w) == 1`, `w >= 0` and, without a risk penalty, one `tev <= limit` — so that
    /// `solve()` can use the structured active-set method. Any other objective term or constraint (sector
    /// limits, turnover, a regime objective, a minimisation) leaves the problem unmarked, for the
    /// interior-point path. Recognition reads the expressions this context built (`f`, `w`, `risk`, `tev`,
    /// `exposureDefinition`), not their source text.
    public func recognizingFactorPortfolioForm(_ problem: OptimizationProblem) -> OptimizationProblem {
        guard problem.sense == .maximize, let objective = decomposedObjective(problem.objective),
              objective.riskAversion >= 0 else { return problem }
        var roles: [FactorPortfolioForm.Role] = []
        for constraint in problem.constraints {
            guard let role = role(of: constraint) else { return problem }
            roles.append(role)
        }
        func count(_ matches: (FactorPortfolioForm.Role) -> Bool) -> Int { roles.filter(matches).count }
        let limits = count { if case .trackingErrorLimit = $0 { return true }; return false }
        guard count({ $0 == .exposureDefinition }) == 1, count({ $0 == .budget }) == 1, count({ $0 == .longOnly }) == 1,
              (limits == 1 && objective.riskAversion == 0) || (limits == 0 && objective.riskAversion > 0) else { return problem }
        var marked = problem
        marked.factorPortfolioForm = FactorPortfolioForm(
            weights: weightVariable, exposures: exposureVariable, loadings: loadings,
            objectiveExposureWeights: objective.exposureWeights, riskAversion: objective.riskAversion,
            factorCovariance: factorCovariance, residualVariances: residualVariances, benchmark: benchmark, roles: roles)
        return marked
    }

    /// The objective as `cᵀf − γ·risk`, or nil when it has any other term (including a constant).
    private func decomposedObjective(_ objective: ModelExpression) -> (exposureWeights: [Double], riskAversion: Double)? {
        var weights = [Double](repeating: 0, count: exposureVariable.rows), riskAversion = 0.0
        func add(_ e: ModelExpression, _ scale: Double) -> Bool {
            if e.text == Self.riskText, case .atom = e.node {
                riskAversion -= scale
                return true
            }
            switch e.node {
            case .add(let a, let b): return add(a, scale) && add(b, scale)
            case .negate(let x): return add(x, -scale)
            case .multiplyElementwise(let m, let x) where m.isScalar: return add(x, scale * m[0, 0])
            case .multiplyLeft(let m, let x) where m.rows == 1 && isExposures(x) && m.cols == weights.count:
                for r in weights.indices { weights[r] += scale * m[0, r] }
                return true
            case .multiplyRight(let x, let m) where m.cols == 1 && m.rows == weights.count:
                guard case .transpose(let inner) = x.node, isExposures(inner) else { return false }
                for r in weights.indices { weights[r] += scale * m[r, 0] }
                return true
            default: return false
            }
        }
        guard add(objective, 1), weights.allSatisfy(\.isFinite), riskAversion.isFinite else { return nil }
        return (weights, riskAversion)
    }

    private func isExposures(_ e: ModelExpression) -> Bool {
        if case .variable(let v) = e.node { return v === exposureVariable }
        return false
    }

    /// What `constraint` is, or nil when it is not one of the canonical problem's.
    private func role(of constraint: OptimizationProblem.Constraint) -> FactorPortfolioForm.Role? {
        let rhs = constraint.rhs.constantValue
        switch (constraint.lhs.node, constraint.relation) {
        case (.variable(let v), .equal) where v === exposureVariable && constraint.text == Self.exposureDefinitionText:
            return .exposureDefinition
        case (.sum(let x), .equal):
            guard case .variable(let v) = x.node, v === weightVariable, let rhs, rhs.isScalar, rhs[0, 0] == 1 else { return nil }
            return .budget
        case (.variable(let v), .greaterEqual) where v === weightVariable:
            guard let rhs, rhs.storage.allSatisfy({ $0 == 0 }) else { return nil }
            return .longOnly
        case (.multiplyElementwise(let scale, let norm), .lessEqual) where constraint.lhs.text == Self.trackingErrorText:
            guard scale.isScalar, scale[0, 0] > 0, case .atom(.norm2, _) = norm.node,
                  let rhs, rhs.isScalar, rhs[0, 0] > 0, rhs[0, 0].isFinite else { return nil }
            return .trackingErrorLimit(scale: scale[0, 0], limit: rhs[0, 0])
        default: return nil
        }
    }
}
