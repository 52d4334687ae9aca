import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModels
import TiltPortfolio

/// What a strategy sees at one rebalance (end of month T, data labelled ≤ T only): the decision units with
/// their portfolio context (`PortfolioContext`: loadings, factor moments, residual variances, benchmark,
/// weights held before, sectors, regime moments), the stocks behind the units, and the estimated factor
/// model. The backtester builds one at every rebalance; a session can build one for any month.
public struct RebalanceView: Sendable {
    /// The month's portfolio problem context, over the decision units (assets, or sectors).
    public let portfolio: PortfolioContext
    /// Panel columns of the stocks behind the units: eligible at T with enough returns in the estimation
    /// window (`StrategySpecification.observations`).
    public let stockColumns: [Int]
    /// The sectors of those stocks as of T, `nil` when the universe has none.
    public let stockSectors: [String]?
    /// Per unit: its stocks (positions in `stockColumns`) and their shares of the unit (1 for an asset;
    /// cap weights inside a sector).
    public let membership: [[(stock: Int, share: Double)]]
    /// The factor model estimated at T over the eligible assets.
    public let model: any FactorModel
    /// The same model when it is a regime model (its HMM, probabilities and per-regime moments).
    public let regimeModel: RegimeFactorModel?
    /// The stocks behind the units (`stockColumns`' order) as the month sees them: ids, market caps at T
    /// (1 when the data has none), sectors, (K+1) × n loadings (intercept row first), residual variances
    /// (monthly), benchmark weights, and the weights held just before the rebalance.
    public let stocks: Stocks
    /// The assets eligible at T that the estimation-window rule left out (too few returns in the window, or
    /// no estimate), with the share of a file benchmark's weight they carried (`WindowExclusion`).
    public let windowExclusion: WindowExclusion

    /// The month's stocks, before they are grouped into decision units.
    public struct Stocks: Sendable {
        public let ids: [String]
        public let caps: [Double]
        public let sectors: [String]?
        public let loadings: Matrix
        public let residualVariances: [Double]
        public let benchmark: [Double]
        public let held: [Double]
    }

    /// The view at data row `t` (month `month`) with `riskFree` the risk-free rate of every month of the data
    /// (monthly decimal, 0 without one), `held` the weights held just before (by asset id, drifted) and
    /// `previousHMM` the previous rebalance's HMM (warm start).
    init(_ spec: StrategySpecification, at t: Int, month: Month, riskFree: [Double], held: [String: Double],
         previousHMM: GaussianHMM?) throws {
        let panel = spec.data.panel
        let eligible = panel.eligibleAssets(atRebalance: t)
        guard !eligible.isEmpty else { throw BacktestError(month: month, "no asset is eligible: " + panel.noEligibleAssetReason(atRebalance: t)) }
        let estimate = try Self.estimate(spec, at: t, month: month, riskFree: riskFree, eligible: eligible, previousHMM: previousHMM)
        let model = estimate.model, regimeModel = estimate.regime
        // Keep assets with enough returns in the window (and an estimate).
        let complete = (0..<eligible.count).filter {
            spec.observations.isMet(observations: model.observationCounts[$0], windowLength: model.windowMonths.count)
                && model.residualVariances[$0, 0].isFinite
        }
        guard !complete.isEmpty else {
            let window = "\(model.windowMonths.first.map(\.description) ?? "?")…\(month)"
            if let error = Self.blankMonths(spec, at: t, month: month, window: window, eligible: eligible, windowLength: model.windowMonths.count) {
                throw error
            }
            switch spec.observations {
            case .complete: throw BacktestError(month: month, "no asset has a complete estimation window (\(window))",
                                                hint: "allow missing months: `model ols(window: rolling 60, min: 36)`")
            case .atLeast(let n): throw BacktestError(month: month, "no asset has \(n) months of returns in its estimation window (\(window))")
            }
        }
        let columns = complete.map { eligible[$0] }
        let kept = Set(complete)
        let excluded = eligible.indices.filter { !kept.contains($0) }.map { eligible[$0] }
        var excludedShare: Double?
        if case .fixed(let weights) = spec.benchmark {
            let total = eligible.reduce(0) { $0 + (weights[panel.assetIDs[$1]] ?? 0) }
            let out = excluded.reduce(0) { $0 + (weights[panel.assetIDs[$1]] ?? 0) }
            excludedShare = total > 0 ? out / total : 0
        }
        windowExclusion = WindowExclusion(month: month, assets: excluded.map { panel.assetIDs[$0] }, benchmarkShare: excludedShare)
        let loadings = try model.loadings.selecting(rows: nil, cols: complete)
        let residuals = complete.map { model.residualVariances[$0, 0] }
        let caps = columns.map { c in panel.hasMarketCaps ? panel.marketCap(row: t, asset: c) : 1 }
        let benchmark = try Self.benchmarkWeights(spec.benchmark, ids: columns.map { panel.assetIDs[$0] }, caps: caps, month: month)
        // Sectors as of T (a CRSP stock's SIC code then, not its latest).
        let sectorOfStock = panel.hasSectors ? columns.map { panel.sector(row: t, asset: $0) ?? SICDivision.other.name } : nil

        // The decision units and the map from units to stocks.
        var units: [String]
        var unitSectors = sectorOfStock
        var membership: [[(stock: Int, share: Double)]] // per unit: stocks and their share of the unit
        switch spec.allocation {
        case .assets:
            units = columns.map { panel.assetIDs[$0] }
            membership = (0..<columns.count).map { [($0, 1.0)] }
        case .sectors:
            guard let sectors = sectorOfStock else {
                throw BacktestError(month: month, "`allocate by sector` needs sectors, and this universe has none")
            }
            units = Array(Set(sectors)).sorted()
            membership = units.map { name in
                let members = sectors.indices.filter { sectors[$0] == name }
                let total = members.reduce(0) { $0 + caps[$1] }
                return members.map { ($0, total > 0 ? caps[$0] / total : 1 / Double(members.count)) }
            }
            unitSectors = units
        }
        // With one stock per unit at share 1 these are the stocks' own loadings and residual variances.
        let unitLoadings = Self.aggregateLoadings(loadings, membership: membership, units: units)
        let unitResiduals = Self.aggregateResiduals(residuals, membership: membership)
        let unitBenchmark = membership.map { $0.reduce(0) { $0 + benchmark[$1.stock] } }
        var regime: RegimeMoments?
        if let regimeModel {
            var states: [RegimeMoments.State] = []
            for state in regimeModel.states {
                let stockLoadings = try state.loadings.selecting(rows: nil, cols: complete)
                let stockResiduals = complete.map { state.residualVariances[$0] }
                states.append(RegimeMoments.State(
                    loadings: Self.aggregateLoadings(stockLoadings, membership: membership, units: units),
                    factorMean: state.factorMean, factorCovariance: state.factorCovariance,
                    residualVariances: Self.aggregateResiduals(stockResiduals, membership: membership)))
            }
            regime = RegimeMoments(probabilities: regimeModel.forecastProbabilities,
                                   filteredProbabilities: regimeModel.filteredProbabilities, states: states)
        }
        let previous = membership.map { members in
            members.reduce(0) { $0 + (held[panel.assetIDs[columns[$1.stock]]] ?? 0) }
        }
        let names = ["alpha"] + spec.data.factors.factorNames
        let context = PortfolioContext(month: month, units: units, loadings: unitLoadings, mu: model.mu.storage,
                                       factorCovariance: model.factorCovariance, residualVariances: unitResiduals,
                                       benchmark: unitBenchmark, previousWeights: previous, sectors: unitSectors,
                                       exposureNames: names, regime: regime)
        self.portfolio = context
        self.stockColumns = columns
        self.stockSectors = sectorOfStock
        self.membership = membership
        self.model = model
        self.regimeModel = regimeModel
        let ids = columns.map { panel.assetIDs[$0] }
        self.stocks = Stocks(ids: ids, caps: caps, sectors: sectorOfStock, loadings: loadings, residualVariances: residuals,
                             benchmark: benchmark, held: ids.map { held[$0] ?? 0 })
    }

    /// The factor model of the eligible assets at T (data row `t`), as the specification asks; from the
    /// specification's cache when another backtest of a sweep has already estimated it.
    private static func estimate(_ spec: StrategySpecification, at t: Int, month: Month, riskFree: [Double], eligible: [Int],
                                 previousHMM: GaussianHMM?) throws -> FactorModelEstimate {
        func estimateNow() throws -> FactorModelEstimate {
            // Only the window's rows, up to T: the model never sees later data (and copies only the window).
            let windowStart = spec.window.firstMonth(endingAt: month)
            let first = min(t, spec.data.months.firstIndex { $0 >= windowStart } ?? t)
            let history = Array(first...t)
            var factorReturns = try spec.data.factors.returns.selecting(rows: history, cols: nil)
            factorReturns.colLabels = spec.data.factors.factorNames
            var returns = spec.data.panel.returns(rows: first..<(t + 1), assets: eligible)
            for j in 0..<returns.cols { for i in 0..<returns.rows { returns[i, j] -= riskFree[first + i] } }
            let months = Array(spec.data.months[first...t])
            do {
                switch spec.model {
                case .ols:
                    return FactorModelEstimate(model: try OLSFactorModel.estimate(
                        excessReturns: returns, factorReturns: factorReturns, months: months, rebalance: month,
                        window: spec.window, minimumObservations: spec.observations.minimumObservations), regime: nil)
                case .regime(let options):
                    let model = try RegimeFactorModel.estimate(excessReturns: returns, factorReturns: factorReturns,
                                                               months: months, rebalance: month, window: spec.window,
                                                               options: options, previous: previousHMM,
                                                               minimumObservations: spec.observations.minimumObservations)
                    return FactorModelEstimate(model: model, regime: model)
                }
            } catch let error as ModelError {
                throw BacktestError(month: month, error.message)
            }
        }
        guard let cache = spec.modelCache else { return try estimateNow() }
        return try cache.estimate(at: t, estimateNow)
    }

    /// Why no asset has enough returns in the window of the rebalance at data row `t`, when months of the
    /// window have no return for any eligible asset (a blank row of a wide file): the error names the first
    /// such month and, when the month is one row of a file, is located at that row. Nil when every month
    /// of the window has some return (each asset then misses months of its own).
    private static func blankMonths(_ spec: StrategySpecification, at t: Int, month: Month, window: String,
                                    eligible: [Int], windowLength: Int) -> BacktestError? {
        let panel = spec.data.panel
        let first = t - windowLength + 1
        guard windowLength > 0, first >= 0 else { return nil }
        let blank = panel.rowsWithoutReturns(first..<(t + 1), assets: eligible)
        guard let row = blank.first else { return nil }
        let months = blank.map { spec.data.months[$0] }
        let named = months.prefix(3).map(\.description).joined(separator: ", ") + (months.count > 3 ? " and \(months.count - 3) more" : "")
        let whole = panel.rowIsBlank(row)
        let what = whole ? "the month \(months[0]) has no returns (every cell of its row is blank)"
                         : "none of the \(eligible.count) assets eligible at \(month) has a return in \(months[0])"
        let others = months.count > 1 ? "; months without any return in that window: \(named)" : ""
        let place = panel.rowLines.map { "\(panel.path):\($0[row])" } ?? panel.path
        let needed: String, short: String
        var skip = "or let them skip missing months: `model ols(window: rolling 60, min: 36)`"
        switch spec.observations {
        case .complete:
            (needed, short) = ("every month of the window", "no asset has a complete estimation window")
        case .atLeast(let n):
            // The blank months explain it only when the window's other months are too few.
            guard windowLength - blank.count < n else { return nil }
            (needed, short) = ("\(n) months of returns in the window", "no asset has \(n) months of returns in its estimation window")
            skip = "or ask for fewer with `min:`"
        }
        let cause = "at the rebalance of \(month), \(short) (\(window)): "
        let hint = "the estimates ask for \(needed): give \(months.count == 1 ? "that month" : "those months") returns in "
            + "\((panel.path as NSString).lastPathComponent) (a blank cell is a missing return), \(skip)"
        if let dataError = panel.rowError(row, cause + what + others, hint: hint) {
            return BacktestError(month: nil, dataError.message, hint: hint, dataError: dataError)
        }
        return BacktestError(month: month, "\(short) (\(window)): \(what) of \(place)\(others)", hint: hint)
    }

    /// Loadings of the decision units: each unit's members' loadings weighted by their shares.
    private static func aggregateLoadings(_ loadings: Matrix, membership: [[(stock: Int, share: Double)]], units: [String]) -> Matrix {
        var l = Matrix(rows: loadings.rows, cols: units.count)
        for (u, members) in membership.enumerated() {
            for (s, share) in members { for r in 0..<loadings.rows { l[r, u] += share * loadings[r, s] } }
        }
        l.rowLabels = loadings.rowLabels
        l.colLabels = units
        return l
    }

    /// Residual variances of the decision units: Σ share² · E over the members (residuals independent).
    private static func aggregateResiduals(_ residuals: [Double], membership: [[(stock: Int, share: Double)]]) -> [Double] {
        membership.map { $0.reduce(0) { $0 + $1.share * $1.share * residuals[$1.stock] } }
    }


    private static func benchmarkWeights(_ rule: StrategySpecification.Benchmark, ids: [String], caps: [Double],
                                         month: Month) throws -> [Double] {
        let n = ids.count
        switch rule {
        case .none: return Array(repeating: 0, count: n)
        case .equal: return Array(repeating: 1 / Double(n), count: n)
        case .marketCap:
            let total = caps.reduce(0, +)
            guard total > 0, total.isFinite else { throw BacktestError(month: month, "the market caps of the eligible assets do not add up to a positive number") }
            return caps.map { $0 / total }
        case .fixed(let weights):
            let raw = ids.map { weights[$0] ?? 0 }
            let total = raw.reduce(0, +)
            guard total > 0 else { throw noEligibleBenchmarkAsset(weights, month: month) }
            return raw.map { $0 / total }
        }
    }

    /// Why fixed benchmark `weights` give nothing at the rebalance of `month`: none of the assets they
    /// weight positively is eligible then. Names those assets (the first five) and, as the hint, what
    /// eligibility asks.
    private static func noEligibleBenchmarkAsset(_ weights: [String: Double], month: Month) -> BacktestError {
        let weighted = weights.filter { $0.value > 0 }.keys.sorted()
        let named = weighted.prefix(5).joined(separator: ", ") + (weighted.count > 5 ? " and \(weighted.count - 5) more" : "")
        return BacktestError(month: month, "none of the benchmark's assets (\(named)) is eligible",
                             hint: "an asset is eligible with a return and a positive market cap at \(month) (when caps are known), no delisting in that month and enough returns in its estimation window")
    }
}
