import TiltData

extension FactorModelPlan {
    /// The fewest months an estimation window of this model needs with `factorCount` factors: K loadings and
    /// the intercept are K + 1 coefficients per asset, and a residual variance needs a month more than there
    /// are coefficients, so K + 2; a regime model's HMM also needs a month more than it has states.
    public func fewestWindowMonths(factorCount k: Int) -> Int {
        switch kind {
        case .ols: return k + 2
        case .regime(let states, _, _): return max(k + 2, states + 1)
        }
    }
}

extension StrategyPlan {
    /// Throws for the first variant whose rolling window is shorter than its model needs
    /// (`fewestWindowMonths`), at its `model` statement, saying why and with the shortest window that works.
    /// `factorNames` nil: the factors are read only when the program runs, and only a window too short for
    /// any factor model (one factor needs 3 months) is refused.
    public func checkWindowLengths(factorNames: [String]?) throws(PlanError) {
        for (index, variant) in variants.enumerated() {
            guard case .rolling(let length) = variant.model.window else { continue }
            let k = factorNames?.count ?? 1
            let needed = variant.model.fewestWindowMonths(factorCount: k)
            guard length < needed else { continue }
            let prefix = variant.label.isEmpty ? "" : "with \(variant.label), "
            let written = "`rolling \(length)`"
            var states = ""
            if case .regime(let s, _, _) = variant.model.kind, s + 1 > k + 2 {
                states = ", and an HMM of \(s) states needs at least \(s + 1) months"
            }
            if let names = factorNames {
                throw PlanError(prefix + "the window \(written) is too short for the model: \(k) factor(s) (\(names.joined(separator: ", "))) and the intercept are \(k + 1) coefficients per asset, and a month more than that is needed to leave a residual variance, so at least \(k + 2) months\(states)",
                                at: .model(variant: index),
                                hint: "a rolling window needs more months than regressors (\(k) factors + 1 for the intercept) and one to spare: `rolling \(needed)` at the least; `rolling 60` is usual")
            }
            throw PlanError(prefix + "the window \(written) is too short for any factor model: even 1 factor and the intercept (2 coefficients per asset) need 3 months to leave a residual variance\(states)",
                            at: .model(variant: index),
                            hint: "with K factors a rolling window needs at least K + 2 months (K factors + 1 for the intercept, and one more for the residual variance): `rolling \(needed)` at the very least; `rolling 60` is usual")
        }
    }
}

extension StrategyPlan {
    /// A note when the first rebalances estimate from few months: fewer than 2·(K+1) months of window for
    /// K + 1 coefficients per asset (K factors and the intercept), so fewer than K + 1 degrees of freedom
    /// are left for each residual variance and the loadings rest on barely more months than they number.
    /// Names the first rebalance, the months its window holds and the first rebalance with enough; one
    /// note a run (the first variant whose schedule starts so), nil when none does.
    func fewMonthsNote(_ specifications: [StrategySpecification], data: AlignedData) -> String? {
        let k = data.factors.factorNames.count
        let coefficients = k + 1, enough = 2 * coefficients
        func windowMonths(_ spec: StrategySpecification, at month: Month) -> (first: Month, count: Int) {
            let start = spec.window.firstMonth(endingAt: month)
            let inWindow = data.months.filter { $0 >= start && $0 <= month }
            return (inWindow.first ?? month, inWindow.count)
        }
        for (index, spec) in specifications.enumerated() {
            guard let first = spec.rebalanceMonths.first else { continue }
            let (from, count) = windowMonths(spec, at: first)
            // Fewer than K + 2 months is an error of the estimate itself, not a note.
            guard count < enough, count > coefficients else { continue }
            let short = spec.rebalanceMonths.filter { windowMonths(spec, at: $0).count < enough }
            let label = variants.indices.contains(index) && !variants[index].label.isEmpty ? " (with \(variants[index].label))" : ""
            let which = short.count == 1 ? "it is the only rebalance to estimate" : "the \(short.count) rebalances through \(short[short.count - 1]) estimate"
            var after = ""
            if short.count < spec.rebalanceMonths.count {
                let next = spec.rebalanceMonths[short.count]
                after = "; from \(next) the window holds \(windowMonths(spec, at: next).count) months — to start there, `rebalance … from \(next)`, or give the model more history"
            } else {
                after = " — rebalance later, or give the model a longer window"
            }
            return "the first rebalance\(label), \(first), estimates \(coefficients) coefficients per asset (\(k) factor(s) and the intercept) from \(count) month(s) (\(from)…\(first)), leaving \(count - coefficients) degree(s) of freedom for each residual variance; \(which) from fewer than \(enough) months (2 × \(coefficients) coefficients), so \(short.count == 1 ? "its" : "their") loadings and risks are noisy\(after)"
        }
        return nil
    }
}

extension LoadedStrategy {
    /// The rebalance months of variant `variant`'s schedule, whether or not they were set when loading (a
    /// strategy loaded for one month has none); nil when the schedule does not fit the data.
    public func scheduledRebalances(variant: Int = 0) -> [Month]? {
        guard specifications.indices.contains(variant) else { return nil }
        if !specifications[variant].rebalanceMonths.isEmpty { return specifications[variant].rebalanceMonths }
        return try? plan.schedule.months(window: specifications[variant].window, data: data)
    }

    /// Said when `month` is not one of variant `variant`'s rebalances (`tilt explain --month`): which
    /// rebalances surround it. Nil when it is one, or when the schedule does not fit the data.
    public func offScheduleNote(_ month: Month, variant: Int = 0) -> String? {
        guard let months = scheduledRebalances(variant: variant), !months.contains(month) else { return nil }
        let before = months.last { $0 < month }, after = months.first { $0 > month }
        let around = [before.map { "…\($0)" }, after.map { "\($0)…" }].compactMap { $0 }.joined(separator: ", ")
        return "\(month) is not a rebalance month of this strategy (\(plan.schedule.frequency.rawValue): \(around)); explained as if it were"
    }
}
