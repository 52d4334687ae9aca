/// What every metric in a report means, with its units: shown as the tooltip of the table cell that names
/// it and listed in the report's Definitions (so that a printed page has them too). Docs/conventions.md
/// gives the same definitions.
enum MetricGlossary {
    struct Entry {
        /// The labels tables use for the metric; the first is shown in the list.
        var terms: [String]
        var definition: String
    }

    static let entries: [Entry] = [
        Entry(terms: ["Return (arithmetic)", "Return", "Active"],
              definition: "Mean monthly return × 12, in percent a year (Active: of portfolio − benchmark)."),
        Entry(terms: ["Return (geometric)"], definition: "(Π(1 + r))^(12/n) − 1: the compounded annual growth rate."),
        Entry(terms: ["Volatility", "Vol."], definition: "Sample standard deviation (n − 1) of monthly returns × √12, a year."),
        Entry(terms: ["Tracking error", "TE"],
              definition: "Realised: volatility of the monthly active returns (portfolio − benchmark) × √12, a year."),
        Entry(terms: ["Ex-ante TE"],
              definition: "The risk model's √(12 · (fᵀΣf f + (w − b)ᵀE(w − b))) at each rebalance, averaged over rebalances (a year)."),
        Entry(terms: ["Sharpe ratio", "Sharpe"],
              definition: "12 · mean(r − rf) over the annualised volatility (rf = 0 without a risk-free rate); n/a below 1e-6 volatility."),
        Entry(terms: ["Information ratio", "IR"], definition: "Annualised mean active return over the realised tracking error."),
        Entry(terms: ["Sortino ratio"],
              definition: "12 · mean(x) / (√12 · √mean(min(x, 0)²)), x = r − rf (active: r_p − r_b); downside deviation over all months."),
        Entry(terms: ["Calmar ratio"], definition: "Geometric annual return / |maximum drawdown|."),
        Entry(terms: ["Max drawdown", "Max DD"],
              definition: "Deepest fall of wealth Π(1 + r) below its running peak (wealth 1 at the start); for active returns of Π(1 + r_p − r_b)."),
        Entry(terms: ["peak → trough"], definition: "The months at whose end the maximum drawdown's peak and trough were."),
        Entry(terms: ["recovery"], definition: "Months from the trough until wealth is back at the peak (not recovered: not within the sample)."),
        Entry(terms: ["length"], definition: "Months from the peak to the recovery, or to the last month when not recovered."),
        Entry(terms: ["VaR 95% (monthly)"],
              definition: "Historical value at risk: the 5th percentile of monthly returns (linear interpolation, numpy's default); a return, negative for a loss."),
        Entry(terms: ["CVaR 95% (monthly)"], definition: "Expected shortfall: the mean of the monthly returns at or below the 95% VaR."),
        Entry(terms: ["Skewness"], definition: "Adjusted Fisher–Pearson skewness G1 of monthly returns (pandas' skew)."),
        Entry(terms: ["Excess kurtosis"], definition: "Bias-corrected excess kurtosis G2 of monthly returns (pandas' kurt; 0 for a normal law)."),
        Entry(terms: ["Hit rate"], definition: "Fraction of months with a return above 0 (active: months the portfolio beat its benchmark)."),
        Entry(terms: ["Best month", "Worst month"], definition: "The largest and smallest monthly return."),
        Entry(terms: ["Turnover per rebalance"],
              definition: "Mean Σ|w − w_before| over the rebalances after the first (w_before: the previous weights drifted by returns)."),
        Entry(terms: ["Turnover per year", "Turnover/yr"], definition: "Σ|w − w_before| of the rebalances after the first, per year of returns."),
        Entry(terms: ["Costs per year"], definition: "Mean monthly trading cost × 12 (costs are charged on turnover in the month after a rebalance)."),
        Entry(terms: ["Holdings (w > 1e-6)", "Holdings"], definition: "Mean number of assets (or sectors) with a weight above 1e-6 at the rebalances."),
        Entry(terms: ["Effective N (1/Σw²)"], definition: "Mean over rebalances of 1/Σw²: the number of equal weights as concentrated."),
        Entry(terms: ["Entropy (of |w|/Σ|w|)"],
              definition: "Mean over rebalances of −Σ p log p, p = |w|/Σ|w| (nats; ln n for n equal positions, at most ln n; −Σ w log w for a long-only book)."),
        Entry(terms: ["Share of ex-ante active variance"],
              definition: "Factor k: f_k (Σ_f f)_k over the ex-ante active variance; specific: (w − b)ᵀE(w − b) over it; mean ± sd through time."),
        Entry(terms: ["alpha (ex-ante, a year)"],
              definition: "The intercepts' active exposure f₀ = Σ α(w − b), the model's expected active return from alphas, × 12."),
        Entry(terms: ["Active factor exposures"], definition: "f = B(w − b): the active weights' factor loadings, decided at each rebalance."),
        Entry(terms: ["Act./yr"], definition: "Active return over a crisis window, annualised: (1 + R_P)^(12/m) − (1 + R_B)^(12/m)."),
        Entry(terms: ["P. DD", "B. DD"],
              definition: "Portfolio's (P.) and benchmark's (B.) maximum drawdown inside the crisis window, wealth 1 when it opens."),
        Entry(terms: ["P. rec.", "B. rec."],
              definition: "Months after the window's last month until the portfolio's (P.) or benchmark's (B.) wealth is back at its level when the window opened (not yet: not within the sample)."),
        Entry(terms: ["Carino linking"],
              definition: "Monthly contributions × k_t/K, k_t = ln((1 + r_p)/(1 + r_b))/(r_p − r_b), K the same of the compounded returns: linked contributions add up to R_P − R_B."),
        Entry(terms: ["alpha"], definition: "Factor attribution: the intercept row's exposure f₀ (its expected monthly active return) earned each month."),
        Entry(terms: ["specific"],
              definition: "Factor attribution: active return the exposures do not explain (residual returns and weights drifting between rebalances). Risk: the (w − b)ᵀE(w − b) part."),
        Entry(terms: ["risk-free"], definition: "Factor attribution: rf · Σ(w − b), when portfolio and benchmark weights have different totals."),
        Entry(terms: ["costs"], definition: "−(trading cost) of the month."),
        Entry(terms: ["allocation"], definition: "Brinson–Fachler: (w_s − b_s)(R_b,s − R_b), over- or underweighting sectors against the benchmark's return."),
        Entry(terms: ["selection"],
              definition: "Brinson–Fachler: w_s(R_p,s − R_b,s), choosing assets inside sector s, at the portfolio's weight (interaction included)."),
        Entry(terms: ["Rolling beta"], definition: "cov(r_p − rf, r_b − rf)/var(r_b − rf) over the last 36 months."),
    ]

    private static let byTerm: [String: String] = {
        var table: [String: String] = [:]
        for entry in entries { for term in entry.terms where table[term] == nil { table[term] = entry.definition } }
        return table
    }()

    /// The definition of the metric a table labels `label` (leading spaces ignored); `nil` when none.
    static func definition(_ label: String) -> String? {
        byTerm[String(label.drop { $0 == " " })]
    }
}
