extension PortfolioProblem {
    /// Which method will solve the problem at the month of `context`, and why, in words (`tilt explain`).
    /// The choice is `canonicalForm(in:)`'s own; when it is not the structured method, the reason names the
    /// first part of the problem the structured method does not take. (It mirrors `canonicalForm(in:)`'s
    /// rules: extend both together.)
    public func method(in context: PortfolioContext) -> (structured: Bool, reason: String) {
        let takes = "it takes maximize c·mu'f − γ·risk − κ·turnover (with an OLS model also ω·regime_utility or − ω·evar), "
            + "or minimize its negative, under the budget "
            + "sum(w) == 1, bounds on w (w >= l, w <= u, |w − c| <= r), at most one tev or risk limit, sector and exposure limits "
            + "and a turnover limit, with some risk to trade off (an aversion or a limit)"
        if let form = canonicalForm(in: context) {
            let search = form.evar == nil ? ""
                : "; `evar` with an OLS model is −Rᵀw + c·σ(w), solved as the mean–variance problem whose aversion is φ = c/σ(w) at its optimum, found by a search over φ"
            return (true, "the problem is the canonical factor-portfolio problem, solved on the factor structure without a cone program (\(takes))\(search); "
                        + "should it not certify its answer, the interior-point method solves it")
        }
        for term in objective {
            switch term.quantity {
            case .expectedActiveReturn, .risk, .turnover: continue
            case .trackingError: return (false, "`tev` in the objective is not a term of the structured method (\(takes)); bound it instead: `s.t. tev <= 6%`")
            case .regimeUtility where context.regime != nil:
                return (false, "`regime_utility` under a regime model is an exponential-cone objective (\(takes))")
            case .entropicValueAtRisk where context.regime != nil:
                return (false, "`evar` under a regime model is an exponential-cone objective (\(takes))")
            case .regimeUtility, .entropicValueAtRisk: continue
            case .expression: return (false, "the objective has a term that is not mu'f, risk, turnover, regime_utility or evar (\(takes))")
            }
        }
        for constraint in constraints where constraint.kind.canonicalRole(in: context) == nil {
            return (false, "`\(constraint.text)` (\(constraint.kind.what)) is not one of the structured method's constraints (\(takes))")
        }
        let riskLimits = constraints.filter {
            switch $0.kind {
            case .trackingErrorAtMost, .riskAtMost: return true
            default: return false
            }
        }.count
        let budget = constraints.contains { if case .budget = $0.kind { return true }; return false } || defaults.contains(.fullyInvested)
        if !budget { return (false, "the weights are not fully invested (sum(w) == 1), which the structured method needs (\(takes))") }
        if riskLimits > 1 { return (false, "there are \(riskLimits) limits on risk; the structured method takes one (\(takes))") }
        return (false, "the objective's coefficients leave no risk to trade off, reward risk, turnover or EVaR, or combine regime_utility and evar (\(takes))")
    }
}

extension PortfolioConstraint.Kind {
    /// What kind of constraint it is, in words.
    var what: String {
        switch self {
        case .trackingErrorAtMost: return "a tracking-error cap"
        case .riskAtMost: return "a cap on the active variance"
        case .turnoverAtMost: return "a turnover limit"
        case .entropicValueAtRiskAtMost: return "an EVaR limit"
        case .budget: return "a budget"
        case .weightsAtLeast, .weightsAtMost: return "a bound on the weights"
        case .weightsWithin: return "a band around the weights"
        case .sector: return "a sector limit"
        case .exposure, .exposureWithin: return "an exposure limit"
        case .general: return "a general constraint"
        }
    }
}
