import TiltData

/// The stock-level weights held between two rebalances — the portfolio's and the benchmark's — earning each
/// month's returns and drifting with them (wᵢ(1 + rᵢ)/(1 + r_p)).
///
/// A position leaves the book in two ways, each treated alike for portfolio and benchmark
/// (Docs/conventions.md):
/// - its stock delists during the month: it earns the month's return, which includes the delisting
///   return (`AssetPanel.isDelisting`), and its value is then held as cash;
/// - it has no return and no delisting information that month (a user's panel that stops, a CRSP gap): it
///   earns 0 that month, its value is held as cash, and the event is recorded (`UnpricedExit`).
/// Cash earns 0 until the next rebalance, where it is invested again.
struct HeldBook {
    /// Panel columns of the stocks held.
    let columns: [Int]
    /// Weights after the last month's drift (portfolio and benchmark), 0 once a position has left.
    private(set) var weights: [Double]
    private(set) var benchmark: [Double]
    /// The value held as cash, as a weight (portfolio and benchmark).
    private(set) var cash = 0.0, benchmarkCash = 0.0
    /// Positions still in the book.
    private var inBook: [Bool]

    init(columns: [Int], weights: [Double], benchmark: [Double]) {
        self.columns = columns
        self.weights = weights
        self.benchmark = benchmark
        inBook = Array(repeating: true, count: columns.count)
    }

    /// One month earned: the portfolio's gross return and the benchmark's (decimal), the positions that left
    /// without a return, and for attribution each position's return that month (0 when it had none) with
    /// the weights it was held at (after last month's drift).
    struct Earned {
        var portfolio: Double
        var benchmark: Double
        var exits: [UnpricedExit]
        var returns: [Double]
        var weights: [Double]
        var benchmarkWeights: [Double]
    }

    /// Earns month row `m` of `panel`.
    mutating func earn(_ panel: AssetPanel, row m: Int) -> Earned {
        var returns = [Double](repeating: 0, count: columns.count)
        var leaving: [Int] = []
        var exits: [UnpricedExit] = []
        for (i, c) in columns.enumerated() where inBook[i] {
            let r = panel.returnValue(row: m, asset: c)
            if r.isFinite {
                returns[i] = r
                if panel.isDelisting(row: m, asset: c) { leaving.append(i) }
            } else {
                leaving.append(i)
                if weights[i] != 0 || benchmark[i] != 0 {
                    exits.append(UnpricedExit(month: panel.months[m], asset: panel.assetIDs[c],
                                              portfolioWeight: weights[i], benchmarkWeight: benchmark[i]))
                }
            }
        }
        let rp = zip(weights, returns).reduce(0) { $0 + $1.0 * $1.1 }
        let rb = zip(benchmark, returns).reduce(0) { $0 + $1.0 * $1.1 }
        let earned = Earned(portfolio: rp, benchmark: rb, exits: exits, returns: returns, weights: weights, benchmarkWeights: benchmark)
        HeldBook.drift(&weights, &cash, returns, rp)
        HeldBook.drift(&benchmark, &benchmarkCash, returns, rb)
        for i in leaving {
            inBook[i] = false
            cash += weights[i]
            benchmarkCash += benchmark[i]
            weights[i] = 0
            benchmark[i] = 0
        }
        return earned
    }

    /// Weights and cash after one month of returns: wᵢ(1 + rᵢ)/(1 + r_p), cash/(1 + r_p); unchanged when
    /// the portfolio lost everything or more (nothing left to divide by).
    private static func drift(_ w: inout [Double], _ cash: inout Double, _ r: [Double], _ portfolioReturn: Double) {
        let growth = 1 + portfolioReturn
        guard growth > 0 else { return }
        for i in w.indices { w[i] = w[i] * (1 + r[i]) / growth }
        cash /= growth
    }
}
