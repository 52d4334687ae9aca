import TiltData

/// Attribution of active return to the factor model's exposures (`ActiveAttribution.Method.factor`).
///
/// With f_T the active exposures decided at the rebalance in effect (intercept first) and r_k,t the
/// return of factor k in month t, month t's active return r_p,t − r_b,t splits into
/// - **alpha**: f_0,T, the intercepts' expected active return (the intercept row × 1);
/// - **factor k**: f_k,T · r_k,t;
/// - **risk-free**: rf_t · Σ(w − b), the cash part when the portfolio and benchmark weights have different
///   totals (only present when non-zero in some month);
/// - **specific**: the remainder of the gross active return (residual returns, and the drift of the
///   weights inside a multi-month holding period);
/// - **costs**: −(trading cost of the month) (only present when some month has a cost).
/// The components add up to each month's net active return exactly.
public enum FactorAttribution {
    /// The factor attribution of `result`; `nil` without factor returns or rebalances.
    public static func make(_ result: BacktestResult) -> ActiveAttribution? {
        guard let factorReturns = result.factorReturns, !result.rebalances.isEmpty else { return nil }
        let names = factorReturns.names
        let inEffect = result.rebalanceInEffect
        let rf = result.riskFree ?? Array(repeating: 0, count: result.months.count)
        var rows: [[Double]] = []
        for t in result.months.indices {
            var alpha = 0.0, cash = 0.0
            var factors = [Double](repeating: 0, count: names.count)
            if let r = inEffect[t].map({ result.rebalances[$0] }) {
                for (name, exposure) in zip(r.factorNames, r.activeExposures) {
                    if name == interceptName {
                        alpha = exposure
                    } else if let k = names.firstIndex(of: name) {
                        factors[k] = exposure * factorReturns.values[t][k]
                    }
                }
                cash = rf[t] * (r.weights.reduce(0, +) - r.benchmarkWeights.reduce(0, +))
            }
            let gross = result.portfolioReturns[t] + result.costs[t] - result.benchmarkReturns[t]
            let specific = gross - alpha - factors.reduce(0, +) - cash
            rows.append([alpha] + factors + [cash, specific, -result.costs[t]])
        }
        let components = [ActiveAttribution.Component("alpha")] + names.map { ActiveAttribution.Component("factor", $0) }
            + [ActiveAttribution.Component("risk-free"), ActiveAttribution.Component("specific"), ActiveAttribution.Component("costs")]
        return ActiveAttribution(method: .factor, components: components, rows: rows,
                                 optional: [names.count + 1, names.count + 3], of: result)
    }

    /// The name of the intercept among a rebalance's `factorNames`.
    public static let interceptName = "alpha"
}
