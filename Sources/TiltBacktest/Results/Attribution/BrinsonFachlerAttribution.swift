import TiltData

/// Brinson–Fachler attribution of active return to sector allocation and selection
/// (`ActiveAttribution.Method.brinsonFachler`), from each month's sector weights at its start and the
/// sectors' contributions (`SectorMonth`).
///
/// With w_s, b_s the portfolio and benchmark weights of sector s, c_p,s = Σ w·r and c_b,s = Σ b·r its
/// contributions, R_b = Σ c_b,s the benchmark return and R_b,s = c_b,s / b_s the benchmark's return in
/// the sector (R_b when b_s = 0):
/// - **allocation** of s: (w_s − b_s)(R_b,s − R_b), over- or underweighting sectors that beat the benchmark;
/// - **selection** of s: c_p,s − w_s·R_b,s = w_s(R_p,s − R_b,s), choosing better assets inside the sector,
///   measured at the portfolio's weight (the interaction term is part of selection);
/// - **allocation: cash**: R_b·(Σw − Σb), the uninvested (or borrowed) weight, which earns nothing in a
///   backtest, against the benchmark (only present when the totals differ in some month);
/// - **costs**: −(trading cost of the month) (only present when some month has a cost).
/// The components add up to each month's net active return.
public enum BrinsonFachlerAttribution {
    /// The attribution of `result`; `nil` without sector returns.
    public static func make(_ result: BacktestResult) -> ActiveAttribution? {
        guard let sectorMonths = result.sectorMonths, !sectorMonths.isEmpty else { return nil }
        var sectors: [String] = []
        var position: [String: Int] = [:]
        for month in sectorMonths {
            for sector in month.sectors where position[sector] == nil {
                position[sector] = sectors.count
                sectors.append(sector)
            }
        }
        var rows: [[Double]] = []
        for (t, month) in sectorMonths.enumerated() {
            var allocation = [Double](repeating: 0, count: sectors.count), selection = allocation
            let benchmarkReturn = month.benchmarkContributions.reduce(0, +)
            for (i, sector) in month.sectors.enumerated() {
                guard let s = position[sector] else { continue }
                let w = month.portfolioWeights[i], b = month.benchmarkWeights[i]
                let sectorBenchmark = b != 0 ? month.benchmarkContributions[i] / b : benchmarkReturn
                allocation[s] += (w - b) * (sectorBenchmark - benchmarkReturn)
                selection[s] += month.portfolioContributions[i] - w * sectorBenchmark
            }
            let cash = benchmarkReturn * (month.portfolioWeights.reduce(0, +) - month.benchmarkWeights.reduce(0, +))
            rows.append(allocation + selection + [cash, -result.costs[t]])
        }
        let components = sectors.map { ActiveAttribution.Component("allocation", $0) }
            + sectors.map { ActiveAttribution.Component("selection", $0) }
            + [ActiveAttribution.Component("allocation", "cash"), ActiveAttribution.Component("costs")]
        return ActiveAttribution(method: .brinsonFachler, components: components, rows: rows,
                                 optional: [2 * sectors.count, 2 * sectors.count + 1], of: result)
    }
}
