import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltModels
import TiltPortfolio

/// Runs a strategy through history: at the end of each rebalance month T it estimates the factor model on
/// data labelled ≤ T (OLS, or a regime model whose HMM is warm-started from the previous rebalance's
/// fit), forms the benchmark, solves the strategy's problem and holds the weights (drifting
/// with returns) over the following months until the next rebalance; after the last rebalance, for one
/// step of the schedule (a quarter for a quarterly schedule) or to the data's end.
///
/// Eligibility at T uses only what is known at T: a return and (when caps are known) a positive market cap at
/// T, the universe's screen at T, no delisting during T, and enough returns in the estimation window
/// (`StrategySpecification.observations`). Between rebalances the weights are a `HeldBook`: a position whose
/// stock delists earns its delisting return, one without a return earns 0 (an `UnpricedExit`), and either
/// leaves the book for cash (Docs/conventions.md).
public enum Backtester {
    /// Runs the backtest; `cancellation`, checked before each rebalance, stops it with `Cancelled`;
    /// `holdings` is told the weights held (by asset id, drifted) just before each rebalance.
    public static func run(_ spec: StrategySpecification, progress: ((Int, Int) -> Void)? = nil,
                           cancellation: Cancellation? = nil, holdings: HoldingsObserver? = nil) throws -> BacktestResult {
        let data = spec.data
        let months = data.months
        let panel = data.panel
        let factors = data.factors
        let riskFree = riskFree(data)
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
                                    riskFree: factors.riskFree == nil ? nil : [], rebalances: [], crises: spec.crises,
                                    factorReturns: FactorReturns(names: factors.factorNames), sectorMonths: panel.sectors.map { _ in [] })
        // The last holding period runs to the next scheduled rebalance (the schedule's last step) or the data's end.
        let lastStep = schedule.count > 1 ? schedule[schedule.count - 1] - schedule[schedule.count - 2] : 1
        /// Stock-level weights held, after drift, by asset id.
        var held: [String: Double] = [:]
        /// What the previous rebalance hands on: its HMM and its solution (warm starts).
        var carried = Carried()
        for (step, t) in schedule.enumerated() {
            try cancellation?.check()
            progress?(step, schedule.count)
            let month = months[t]
            holdings?(month, held)
            let decision = try rebalance(spec, at: t, month: month, riskFree: riskFree, held: held, carried: carried)
            carried = decision.carried
            result.rebalances.append(decision.record)
            if !decision.windowExclusion.assets.isEmpty {
                if result.windowExclusions == nil {
                    result.windowExclusions = WindowExclusions(universeCount: panel.assetIDs.count, benchmarkFile: spec.benchmarkFile, rebalances: [])
                }
                result.windowExclusions?.rebalances.append(decision.windowExclusion)
            }
            held = [:]
            let holdingEnd = step + 1 < schedule.count ? schedule[step + 1] : t + lastStep
            var book = HeldBook(columns: decision.stockColumns, weights: decision.stockWeights, benchmark: decision.stockBenchmark)
            // Sectors as of T (the rebalance's), for the attribution of the months they are held.
            let sectorGrouping = decision.stockSectors.map { SectorGrouping(assetSectors: $0) }
            for m in (t + 1)...max(t + 1, holdingEnd) where m < months.count {
                let earned = book.earn(panel, row: m)
                let cost = m == t + 1 ? spec.costPerTurnover * decision.record.turnover : 0
                result.months.append(months[m])
                result.portfolioReturns.append(earned.portfolio - cost)
                result.benchmarkReturns.append(earned.benchmark)
                result.costs.append(cost)
                result.riskFree?.append(riskFree[m])
                result.factorReturns?.values.append((0..<factors.returns.cols).map { factors.returns[m, $0] })
                if let sectorGrouping {
                    result.sectorMonths?.append(sectorGrouping.split(weights: earned.weights, benchmarkWeights: earned.benchmarkWeights,
                                                                     returns: earned.returns))
                }
                result.unpricedExits += earned.exits
            }
            for (i, c) in decision.stockColumns.enumerated() where book.weights[i] != 0 { held[panel.assetIDs[c]] = book.weights[i] }
        }
        progress?(schedule.count, schedule.count)
        return result
    }

    /// The risk-free rate of each month of `data` (0 without one), monthly decimal.
    static func riskFree(_ data: AlignedData) -> [Double] {
        (0..<data.months.count).map { data.factors.riskFree?[$0, 0] ?? 0 }
    }

    private struct Decision {
        var record: BacktestResult.Rebalance
        /// Panel columns of the stocks held and their weights (sector allocations expanded to stocks).
        var stockColumns: [Int]
        var stockWeights: [Double]
        var stockBenchmark: [Double]
        /// The stocks' sectors as of the rebalance, `nil` when the universe has none.
        var stockSectors: [String]?
        var carried: Carried
        var windowExclusion: WindowExclusion
    }

    /// What one rebalance hands on to the next, to start from: the regime model's HMM (its warm start and
    /// state numbering) and the solution of the problem (its active set, tried before the interior-point
    /// method; see `OptimizationProblem.solve(warmStart:)`).
    private struct Carried {
        var hmm: GaussianHMM?
        var warmStart: WarmStart?
    }

    private static func rebalance(_ spec: StrategySpecification, at t: Int, month: Month, riskFree: [Double],
                                  held: [String: Double], carried: Carried) throws -> Decision {
        let view = try RebalanceView(spec, at: t, month: month, riskFree: riskFree, held: held, previousHMM: carried.hmm)
        let decision = try view.decide(spec.problem, warmStart: carried.warmStart, firstRebalance: held.isEmpty)
        return Decision(record: decision.record, stockColumns: view.stockColumns, stockWeights: decision.stockWeights,
                        stockBenchmark: decision.stockBenchmark, stockSectors: view.stockSectors,
                        // A structured solve leaves no cone solution: keep the last one for a month that needs it.
                        carried: Carried(hmm: view.regimeModel?.hmm, warmStart: decision.solution.warmStart ?? carried.warmStart),
                        windowExclusion: view.windowExclusion)
    }
}
