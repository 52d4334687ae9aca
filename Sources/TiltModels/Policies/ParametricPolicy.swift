import TiltData

/// A parametric portfolio policy (Brandt, Santa-Clara & Valkanov 2009): instead of estimating moments,
/// estimate the policy directly. At each decision month T the weights are the benchmark plus a linear
/// function of the standardised characteristics, wᵢ = w̄ᵢ + θᵀx̂ᵢ/N, and θ maximises the mean CRRA utility
/// of the portfolio's realised returns, (1/T) Σ u(1 + r_p), over the estimation months.
///
/// Returns are raw (not in excess of a risk-free rate), as in the paper: u is applied to the gross return
/// 1 + r_p of each month.
public struct ParametricPolicy: Sendable {
    public var utility: CRRAUtility
    /// Truncate the held weights at zero and renormalise (eq. 16). θ is estimated on the untruncated
    /// policy (the smooth objective); truncation changes the weights held, not the estimate.
    public var longOnly: Bool

    public init(utility: CRRAUtility, longOnly: Bool = false) {
        self.utility = utility
        self.longOnly = longOnly
    }

    /// θ̂ over the decision months `months` (their returns earned the month after each), by Newton's
    /// method from `start` (default θ = 0), with standard errors unless `standardErrors` is false.
    public func fit(_ data: PolicyCrossSections, decisionMonths months: ClosedRange<Month>, start: [Double]? = nil,
                    standardErrors: Bool = true) throws -> PolicyFit {
        let sections = try data.sections(months)
        return try fit(sections, names: data.characteristicNames, months: months, start: start, standardErrors: standardErrors)
    }

    private func fit(_ sections: [PolicyCrossSections.Section], names: [String], months: ClosedRange<Month>,
                     start: [Double]?, standardErrors: Bool) throws -> PolicyFit {
        let k = names.count
        guard sections.count >= k else {
            throw PolicyError(.invalidInput, month: months.upperBound,
                              "\(sections.count) estimation months cannot determine \(k) coefficients")
        }
        if let start, start.count != k {
            throw PolicyError(.invalidInput, "θ has \(k) coefficients but the start has \(start.count)")
        }
        let objective = PolicyObjective(sections, utility: utility, dimension: k)
        let outcome = try PolicyMaximizer.maximize(objective, start: start ?? Array(repeating: 0, count: k),
                                                   months: sections.map(\.month))
        return try PolicyFit(names: names, outcome: outcome, objective: objective, months: months,
                             standardErrors: standardErrors)
    }

    /// The weights held from decision month `month` with coefficients θ, and what they earned.
    public func holding(theta: [Double], at month: Month, in data: PolicyCrossSections) throws -> PolicyHolding {
        guard let section = data.section(at: month) else {
            throw PolicyError(.missingCrossSection, month: month, "no cross-section at this decision month")
        }
        guard theta.count == data.characteristicNames.count else {
            throw PolicyError(.invalidInput, "θ has \(theta.count) coefficients for \(data.characteristicNames.count) characteristics")
        }
        return PolicyHolding(theta: theta, section: section, longOnly: longOnly)
    }

    /// The holdings of θ over the decision months `months`.
    public func holdings(theta: [Double], over months: ClosedRange<Month>, in data: PolicyCrossSections) throws -> [PolicyHolding] {
        try data.sections(months).map { PolicyHolding(theta: theta, section: $0, longOnly: longOnly) }
    }

    /// One out-of-sample decision: θ estimated on data known at T, and the weights it sets at T.
    public struct Decision: Sendable {
        public let theta: [Double]
        /// The decision months of the estimation (≤ T − 1: their returns are known at T).
        public let estimationMonths: ClosedRange<Month>
        public let iterations: Int
        public let holding: PolicyHolding
    }

    /// Re-estimates θ at every decision month of `schedule` (increasing) and applies it at that month.
    ///
    /// `window` counts months of realised returns, as for factor models: at T, `.rolling(months: 120)`
    /// uses the returns labelled T − 119 … T, i.e. the decisions T − 120 … T − 1; `.expanding(from: M)` the
    /// returns from M, i.e. the decisions from M − 1. Each estimation starts from the previous θ (warm
    /// start; the first from θ = 0); the objective is strictly concave, so the start changes the work,
    /// not the answer. Standard errors are not computed here.
    /// `checkpoint` is called before each decision month; what it throws stops the estimation (a cancelled run).
    public func outOfSample(_ data: PolicyCrossSections, schedule: [Month], window: EstimationWindow,
                            checkpoint: () throws -> Void = {}) throws -> [Decision] {
        let k = data.characteristicNames.count
        var theta = [Double](repeating: 0, count: k)
        var decisions: [Decision] = []
        decisions.reserveCapacity(schedule.count)
        for month in schedule {
            try checkpoint()
            try window.validate(at: month)
            let estimation = (window.firstMonth(endingAt: month) - 1)...(month - 1)
            guard let section = data.section(at: month) else {
                throw PolicyError(.missingCrossSection, month: month, "no cross-section at this decision month")
            }
            let fitted = try fit(data.sections(estimation), names: data.characteristicNames, months: estimation,
                                 start: theta, standardErrors: false)
            theta = fitted.theta
            decisions.append(Decision(theta: theta, estimationMonths: estimation, iterations: fitted.iterations,
                                      holding: PolicyHolding(theta: theta, section: section, longOnly: longOnly)))
        }
        return decisions
    }
}
