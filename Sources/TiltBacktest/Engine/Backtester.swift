import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltModels

/// Runs a strategy through history: at the end of each rebalance month T it estimates the factor model on
/// data labelled ≤ T (OLS, or a regime model whose HMM is warm-started from the previous rebalance's
/// fit), forms the benchmark, solves the strategy's problem and holds the weights (drifting
/// with returns) over the following months until the next rebalance.
///
/// Eligibility at T uses only what is known at T: a return and (when caps are known) a positive market cap at
/// T, the universe's screen at T, no delisting during T, and enough returns in the estimation window
/// (`StrategySpecification.observations`). Between rebalances the weights are a `HeldBook`: a position whose
/// stock delists earns its delisting return, one without a return earns 0 (an `UnpricedExit`), and either
/// leaves the book for cash (Docs/conventions.md).
public enum Backtester {
    public static func run(_ spec: StrategySpecification, progress: ((Int, Int) -> Void)? = nil) throws -> BacktestResult {
        let data = spec.data
        let months = data.months
        let panel = data.panel
        let factors = data.factors
        let riskFree = (0..<months.count).map { factors.riskFree?[$0, 0] ?? 0 }
        let indexOfMonth = Dictionary(uniqueKeysWithValues: months.enumerated().map { ($1, $0) })
        let schedule = try spec.rebalanceMonths.map { m -> Int in
            guard let t = indexOfMonth[m], t + 1 < months.count else {
                throw BacktestError(month: m, "there is no data for the month after this rebalance",
                                    hint: "the data runs \(months.first.map(\.description) ?? "?")…\(months.last.map(\.description) ?? "?")")
            }
            return t
        }
        guard !schedule.isEmpty else { throw BacktestError(month: nil, "there is no rebalance month in the data") }

        var result = BacktestResult(name: spec.name, months: [], portfolioReturns: [], benchmarkReturns: [], costs: [],
                                    riskFree: factors.riskFree == nil ? nil : [], rebalances: [], crises: spec.crises)
        /// Stock-level weights held, after drift, by asset id.
        var held: [String: Double] = [:]
        /// What the previous rebalance hands on: its HMM and its solution (warm starts).
        var carried = Carried()
        for (step, t) in schedule.enumerated() {
            progress?(step, schedule.count)
            let month = months[t]
            let decision = try rebalance(spec, at: t, month: month, riskFree: riskFree, held: held, carried: carried)
            carried = decision.carried
            result.rebalances.append(decision.record)
            held = [:]
            let holdingEnd = step + 1 < schedule.count ? schedule[step + 1] : t + 1
            var book = HeldBook(columns: decision.stockColumns, weights: decision.stockWeights, benchmark: decision.stockBenchmark)
            for m in (t + 1)...max(t + 1, holdingEnd) where m < months.count {
                let earned = book.earn(panel, row: m)
                let cost = m == t + 1 ? spec.costPerTurnover * decision.record.turnover : 0
                result.months.append(months[m])
                result.portfolioReturns.append(earned.portfolio - cost)
                result.benchmarkReturns.append(earned.benchmark)
                result.costs.append(cost)
                result.riskFree?.append(riskFree[m])
                result.unpricedExits += earned.exits
            }
            for (i, c) in decision.stockColumns.enumerated() where book.weights[i] != 0 { held[panel.assetIDs[c]] = book.weights[i] }
        }
        progress?(schedule.count, schedule.count)
        return result
    }

    private struct Decision {
        var record: BacktestResult.Rebalance
        /// Panel columns of the stocks held and their weights (sector allocations expanded to stocks).
        var stockColumns: [Int]
        var stockWeights: [Double]
        var stockBenchmark: [Double]
        var carried: Carried
    }

    /// What one rebalance hands on to the next, to start from: the regime model's HMM (its warm start and
    /// state numbering) and the solution of the problem (its active set, tried before the interior-point
    /// method; see `OptimizationProblem.solve(warmStart:)`).
    private struct Carried {
        var hmm: GaussianHMM?
        var warmStart: WarmStart?
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

    private static func rebalance(_ spec: StrategySpecification, at t: Int, month: Month, riskFree: [Double],
                                  held: [String: Double], carried: Carried) throws -> Decision {
        let panel = spec.data.panel
        let eligible = panel.eligibleAssets(atRebalance: t)
        guard !eligible.isEmpty else { throw BacktestError(month: month, "no asset is eligible: " + panel.noEligibleAssetReason(atRebalance: t)) }
        let estimate = try estimate(spec, at: t, month: month, riskFree: riskFree, eligible: eligible, previousHMM: carried.hmm)
        let model = estimate.model, regimeModel = estimate.regime
        // Keep assets with enough returns in the window (and an estimate).
        let complete = (0..<eligible.count).filter {
            spec.observations.isMet(observations: model.observationCounts[$0], windowLength: model.windowMonths.count)
                && model.residualVariances[$0, 0].isFinite
        }
        guard !complete.isEmpty else {
            let window = "\(model.windowMonths.first.map(\.description) ?? "?")…\(month)"
            switch spec.observations {
            case .complete: throw BacktestError(month: month, "no asset has a complete estimation window (\(window))",
                                                hint: "allow missing months: `model ols(window: rolling 60, min: 36)`")
            case .atLeast(let n): throw BacktestError(month: month, "no asset has \(n) months of returns in its estimation window (\(window))")
            }
        }
        let columns = complete.map { eligible[$0] }
        let loadings = try model.loadings.selecting(rows: nil, cols: complete)
        let residuals = complete.map { model.residualVariances[$0, 0] }
        let caps = columns.map { c in panel.hasMarketCaps ? panel.marketCap(row: t, asset: c) : 1 }
        let benchmark = try benchmarkWeights(spec.benchmark, ids: columns.map { panel.assetIDs[$0] }, caps: caps, month: month)
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
        let unitLoadings = aggregateLoadings(loadings, membership: membership, units: units)
        let unitResiduals = aggregateResiduals(residuals, membership: membership)
        let unitBenchmark = membership.map { $0.reduce(0) { $0 + benchmark[$1.stock] } }
        var regime: RegimeMoments?
        if let regimeModel {
            var states: [RegimeMoments.State] = []
            for state in regimeModel.states {
                let stockLoadings = try state.loadings.selecting(rows: nil, cols: complete)
                let stockResiduals = complete.map { state.residualVariances[$0] }
                states.append(RegimeMoments.State(
                    loadings: aggregateLoadings(stockLoadings, membership: membership, units: units),
                    factorMean: state.factorMean, factorCovariance: state.factorCovariance,
                    residualVariances: aggregateResiduals(stockResiduals, membership: membership)))
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
        let solution: ProblemSolution
        do {
            solution = try spec.problem(context).solve(warmStart: carried.warmStart)
        } catch let error as ModelingError {
            throw BacktestError(month: month, error.message, hint: error.hint)
        } catch let error as BacktestError {
            throw error
        }
        guard solution.status == .optimal || solution.status == .almostOptimal,
              let w = solution.values.first(where: { $0.0 === context.weightVariable })?.1.storage else {
            throw BacktestError(month: month, "the problem is \(solution.status.description)", hint: solution.status.hint)
        }
        let active = zip(w, unitBenchmark).map { $0 - $1 }
        let exposures = (0..<unitLoadings.rows).map { r in (0..<units.count).reduce(0) { $0 + unitLoadings[r, $1] * active[$1] } }
        let k = model.factorCovariance.rows
        let factorExposures = Array(exposures.dropFirst())
        let sigmaF = (0..<k).map { i in (0..<k).reduce(0) { $0 + model.factorCovariance[i, $1] * factorExposures[$1] } }
        let factorContributions = (0..<k).map { factorExposures[$0] * sigmaF[$0] }
        let specific = zip(active, unitResiduals).reduce(0) { $0 + $1.0 * $1.0 * $1.1 }
        let turnover = zip(w, previous).reduce(0) { $0 + abs($1.0 - $1.1) }
        var stockWeights = [Double](repeating: 0, count: columns.count)
        var stockBenchmark = [Double](repeating: 0, count: columns.count)
        for (u, members) in membership.enumerated() {
            for (s, share) in members {
                stockWeights[s] += w[u] * share
                stockBenchmark[s] += unitBenchmark[u] * share
            }
        }
        let record = BacktestResult.Rebalance(
            month: month, assets: units, weights: w, benchmarkWeights: unitBenchmark, sectors: unitSectors,
            turnover: turnover, factorNames: names, activeExposures: exposures,
            factorRiskContributions: factorContributions, specificRiskContribution: specific,
            exAnteActiveVariance: factorContributions.reduce(0, +) + specific, status: solution.status.rawValue,
            method: solution.method.rawValue, regimeProbabilities: regime?.probabilities, filteredRegimeProbabilities: regime?.filteredProbabilities)
        return Decision(record: record, stockColumns: columns, stockWeights: stockWeights, stockBenchmark: stockBenchmark,
                        // A structured solve leaves no cone solution: keep the last one for a month that needs it.
                        carried: Carried(hmm: regimeModel?.hmm, warmStart: solution.warmStart ?? carried.warmStart))
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
