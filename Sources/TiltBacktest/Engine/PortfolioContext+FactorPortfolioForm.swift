import TiltLinearAlgebra
import TiltModeling

extension PortfolioContext {
    /// `problem` with its `factorPortfolioForm` set when it is, exactly, the canonical portfolio problem of
    /// this context — `maximize cᵀf` or `maximize cᵀf − γ·risk` (γ > 0, constants c), with the constraints
    /// `f == B(w − b)`, `sum(w) == 1`, any bounds on the weights (`w >= l`, `w <= u`, `|w − c| <= r`, constants
    /// per asset or for all) and, without a risk penalty, one `tev <= limit` — so that `solve()` can use the
    /// structured active-set method. Any other objective term or constraint (sector limits, exposure limits,
    /// turnover, a regime objective, a minimisation) leaves the problem unmarked, for the interior-point path. Recognition reads the expressions this context built (`f`, `w`, `risk`, `tev`,
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
        guard count({ $0 == .exposureDefinition }) == 1, count({ $0 == .budget }) == 1,
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
        if case .variable(let v) = constraint.lhs.node, v === exposureVariable, constraint.relation == .equal,
           constraint.text == Self.exposureDefinitionText {
            return .exposureDefinition
        }
        if let bound = constraint.rhs.constantValue { return role(constraint.lhs, constraint.relation, bound) }
        // The side with the variables first: `0 <= w` reads as `w >= 0`.
        guard let bound = constraint.lhs.constantValue else { return nil }
        let mirrored: OptimizationProblem.Constraint.Relation
        switch constraint.relation {
        case .lessEqual: mirrored = .greaterEqual
        case .greaterEqual: mirrored = .lessEqual
        case .equal: mirrored = .equal
        }
        return role(constraint.rhs, mirrored, bound)
    }

    /// The role of `expression relation bound` with a constant bound.
    private func role(_ expression: ModelExpression, _ relation: OptimizationProblem.Constraint.Relation,
                      _ bound: Matrix) -> FactorPortfolioForm.Role? {
        switch (expression.node, relation) {
        case (.sum(let x), .equal):
            guard isWeights(x), bound.isScalar, bound[0, 0] == 1 else { return nil }
            return .budget
        case (.variable(let v), .greaterEqual) where v === weightVariable:
            return perAsset(bound).map { .lowerBound($0) }
        case (.variable(let v), .lessEqual) where v === weightVariable:
            return perAsset(bound).map { .upperBound($0) }
        case (.atom(.abs, let arguments), .lessEqual):
            guard arguments.count == 1, let center = weightsMinusConstant(arguments[0]), let radius = perAsset(bound),
                  radius.allSatisfy({ $0 >= 0 }) else { return nil }
            return .activeWeightBound(center: center, radius: radius)
        case (.multiplyElementwise(let scale, let norm), .lessEqual) where expression.text == Self.trackingErrorText:
            guard scale.isScalar, scale[0, 0] > 0, case .atom(.norm2, _) = norm.node,
                  bound.isScalar, bound[0, 0] > 0, bound[0, 0].isFinite else { return nil }
            return .trackingErrorLimit(scale: scale[0, 0], limit: bound[0, 0])
        default: return nil
        }
    }

    private func isWeights(_ e: ModelExpression) -> Bool {
        if case .variable(let v) = e.node { return v === weightVariable }
        return false
    }

    /// One value per unit from a scalar or an n × 1 constant; nil for any other shape or a NaN.
    private func perAsset(_ m: Matrix) -> [Double]? {
        let n = units.count
        let values = m.isScalar ? [Double](repeating: m[0, 0], count: n) : (m.rows == n && m.cols == 1 ? m.storage : nil)
        guard let values, !values.contains(where: \.isNaN) else { return nil }
        return values
    }

    /// c when `e` is `w − c` or `w + (−c)` (or `w` itself: c = 0), per unit; nil otherwise.
    private func weightsMinusConstant(_ e: ModelExpression) -> [Double]? {
        if isWeights(e) { return [Double](repeating: 0, count: units.count) }
        guard case .add(let a, let b) = e.node else { return nil }
        if isWeights(a), let c = b.constantValue { return perAsset(c)?.map { -$0 } }
        if isWeights(b), let c = a.constantValue { return perAsset(c)?.map { -$0 } }
        return nil
    }
}
