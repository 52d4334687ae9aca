import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModels
import TiltPortfolio
import TiltWRDS

/// A strategy plan with its data loaded and aligned, ready to run: one `StrategySpecification` per variant.
/// Variants with the same factor model share their estimates (one estimate per rebalance month).
public struct LoadedStrategy: Sendable {
    public let plan: StrategyPlan
    public let data: AlignedData
    /// One per variant of the plan, in its order.
    public let specifications: [StrategySpecification]
    /// Choices made in loading that the program did not state, for the user to see (which files were read
    /// and what they hold, a factor file without rf, a window start before the data).
    public let notes: [String]

    /// Runs every variant's backtest, in parallel (one per core); results in the plan's order.
    /// `progress(done, total)` counts rebalances over all variants, reported from one thread at a time.
    /// Throws `PlanError`, or `Cancelled` when `cancellation` stopped the runs (checked between rebalances).
    /// `holdings` is told the first variant's weights held just before each of its rebalances.
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil, cancellation: Cancellation? = nil,
                    holdings: HoldingsObserver? = nil) throws -> [BacktestResult] {
        let specs = specifications
        let outcomes = SweepOutcomes(count: specs.count)
        let total = specs.reduce(0) { $0 + $1.rebalanceMonths.count }
        DispatchQueue.concurrentPerform(iterations: specs.count) { i in
            let report: (Int, Int) -> Void = { done, _ in outcomes.progressed(run: i, done: done) { progress?($0, total) } }
            let outcome = Result<BacktestResult, Error> {
                try Backtester.run(specs[i], progress: report, cancellation: cancellation, holdings: i == 0 ? holdings : nil)
            }
            outcomes.store(outcome, at: i)
        }
        if outcomes.results.contains(where: { if case .failure(let error) = $0 { return error is Cancelled }; return false }) {
            throw Cancelled()
        }
        var results: [BacktestResult] = []
        for (i, outcome) in outcomes.results.enumerated() {
            let label = plan.variants[i].label
            let prefix = label.isEmpty ? "" : "with \(label), "
            switch outcome {
            case .success(let result): results.append(result)
            case .failure(let error as BacktestError):
                if var data = error.dataError {
                    // A row of the data is the cause: located there, and at the statement that read the file.
                    data.message = prefix + data.message
                    throw PlanError(data: data, at: .universeData)
                }
                let part = error.problemError?.location.part(variant: i) ?? .objective(variant: i)
                throw PlanError(prefix + error.description, at: part, hint: error.hint, unknownName: error.problemError?.unknownName)
            case .failure(let error):
                throw PlanError(prefix + String(describing: error), at: .objective(variant: i))
            }
        }
        return results
    }
}

extension LoadedStrategy {
    /// What variant `variant` sees at the end of `month`, had it held `held` (weights by asset id) just
    /// before: the eligible assets, the factor model estimated on data up to `month`, the benchmark and the
    /// `PortfolioContext` of its problem. A regime model is fitted afresh, unless `previousHMM` (the fit of
    /// the rebalance before, `RebalanceView.regimeModel?.hmm`) is given to start from, as a backtest does
    /// at each later month (a fresh fit at `month` may differ slightly from the backtest's).
    public func view(variant: Int = 0, at month: Month, held: [String: Double] = [:],
                     previousHMM: GaussianHMM? = nil) throws(PlanError) -> RebalanceView {
        guard specifications.indices.contains(variant) else { throw PlanError("there is no variant \(variant + 1)", at: .objective(variant: 0)) }
        guard let t = data.months.firstIndex(of: month) else {
            throw PlanError("\(month) is not in the data (\(data.months.first.map(\.description) ?? "?")…\(data.months.last.map(\.description) ?? "?"))",
                            at: .rebalanceWindow)
        }
        do {
            return try RebalanceView(specifications[variant], at: t, month: month, riskFree: Backtester.riskFree(data),
                                     held: held, previousHMM: previousHMM)
        } catch let error as BacktestError {
            if let data = error.dataError { throw PlanError(data: data, at: .universeData) }
            throw PlanError(error.description, at: .objective(variant: variant), hint: error.hint)
        } catch {
            throw PlanError(String(describing: error), at: .objective(variant: variant))
        }
    }
}

extension LoadedStrategy {
    /// The history behind `view`: the excess returns of its stocks and the factor returns over its model's
    /// estimation window (rows labelled by month, the last the view's month; columns by asset and factor).
    /// Only rows up to the view's month are read.
    public func history(of view: RebalanceView) throws -> (excessReturns: Matrix, factorReturns: Matrix) {
        let rows = view.model.windowMonths.compactMap { data.months.firstIndex(of: $0) }
        guard let first = rows.first, let last = rows.last, rows.count == last - first + 1 else {
            throw PlanError("the estimation window of \(view.portfolio.month) is not a run of the data's months", at: .objective(variant: 0))
        }
        var excess = data.panel.returns(rows: first..<(last + 1), assets: view.stockColumns)
        let riskFree = Backtester.riskFree(data)
        for j in 0..<excess.cols { for i in 0..<excess.rows { excess[i, j] -= riskFree[first + i] } }
        let labels = rows.map { data.months[$0].description }
        excess.rowLabels = labels
        excess.colLabels = view.stocks.ids
        var factors = try data.factors.returns.selecting(rows: rows, cols: nil)
        factors.rowLabels = labels
        factors.colLabels = data.factors.factorNames
        return (excess, factors)
    }
}

/// Passwords a program wrote in a database connection string, by the connection string without them
/// (`UniverseSource.crspDatabase`'s): kept by the session that lowered the program, never in a plan.
public typealias DatabasePasswords = [String: String]

/// Reports progress while data loads: what (`crsp`, `crsp query`), done and total (bytes or rows).
public typealias LoadingProgress = (_ what: String, _ done: Int, _ total: Int) -> Void

extension StrategyPlan {
    /// Runs the plan: loads its data, then every variant's backtest. Throws `PlanError`, or `Cancelled`.
    public func run(suggest: NameSuggestion = { _, _ in nil }, passwords: DatabasePasswords = [:],
                    progress: (@Sendable (Int, Int) -> Void)? = nil, cancellation: Cancellation? = nil) throws -> [BacktestResult] {
        try load(suggest: suggest, passwords: passwords).run(progress: progress, cancellation: cancellation)
    }

    /// Loads and aligns the plan's data, reads its benchmark weights, and sets each variant's window,
    /// observation requirement and rebalance months. `suggest` words a hint for a name the data does not
    /// have (`closestName`); `passwords` are those the program wrote for its database; `loading` reports
    /// progress while a large universe is read. With `scheduled` false the rebalance months are left empty
    /// (for month views, which take any month).
    public func load(suggest: NameSuggestion = { _, _ in nil }, passwords: DatabasePasswords = [:],
                     loading: LoadingProgress? = nil, scheduled: Bool = true) throws(PlanError) -> LoadedStrategy {
        var notes: [String] = []
        let (panel, builtInFactors) = try universe.load(passwords: passwords, notes: &notes, loading: loading)
        let factorFile = try factors.load(builtIn: builtInFactors, notes: &notes)
        let data: AlignedData
        do { data = try AlignedData(panel: panel, factors: factorFile) } catch {
            // At the statement that read the file the problem is about.
            let aboutReturns = (error as? DataError)?.path == panel.path
            throw PlanError(data: error, at: aboutReturns ? .universe : .factors)
        }
        if let note = try benchmark.checkCaps(of: data.panel) { notes.append(note) }
        let benchmarkRule = try benchmark.load(assets: data.panel.assetIDs, suggest: suggest)
        // An exposure the factors do not have is named now, before any estimate or solve.
        try checkExposureNames(factorNames: data.factors.factorNames)
        // A rolling window too short for the model is the `model` statement's error, before any estimate.
        try checkWindowLengths(factorNames: data.factors.factorNames)
        // Variants with the same model share data, window and schedule, so they share the estimated models.
        var caches: [FactorModelPlan: FactorModelCache] = [:]
        for variant in variants where variants.filter({ $0.model == variant.model }).count > 1 {
            if caches[variant.model] == nil { caches[variant.model] = FactorModelCache() }
        }
        var specifications: [StrategySpecification] = []
        for variant in variants {
            let window = variant.model.window(startingAt: data.months[0])
            var specification = StrategySpecification(
                name: variant.label.isEmpty ? "strategy" : variant.label, data: data, benchmark: benchmarkRule,
                window: window, model: variant.model.specification,
                rebalanceMonths: scheduled ? try schedule.months(window: window, data: data) : [],
                costPerTurnover: costPerTurnover, allocation: allocation, crises: crises.windows,
                modelCache: caches[variant.model], problem: variant.problem)
            specification.observations = variant.model.observations
            if case .file(let path) = benchmark { specification.benchmarkFile = path }
            specifications.append(specification)
        }
        notes += coverageNotes(factorFile, data: data)
        if let note = fewMonthsNote(specifications, data: data) { notes.append(note) }
        return LoadedStrategy(plan: self, data: data, specifications: specifications, notes: notes)
    }

    /// Notes about the factors the strategy uses: no risk-free rate; a window start (`from:`) before the data.
    private func coverageNotes(_ factors: FactorFile, data: AlignedData) -> [String] {
        var notes: [String] = []
        let sources = factors.sources.joined(separator: " + ")
        if factors.riskFree == nil {
            notes.append("\(sources) has no rf column: returns are regressed as they are (rf = 0), so mu'f and the regressions are of raw returns, not excess returns; add an `rf` column (one-month T-bill, monthly decimals) for excess returns")
        }
        let starts = variants.compactMap { variant -> Month? in
            if case .expanding(let from?) = variant.model.window { return from }
            return nil
        }
        if let from = starts.min(), let first = data.months.first, from < first {
            let late = factors.months.first.map { $0 > from } == true ? "the factors (\(sources)) start in \(factors.months[0])"
                                                                      : "the returns (\(data.panel.path)) start in \(data.panel.months.first?.description ?? "?")"
            notes.append("`from: \(from)` is before the data: \(late), so the window starts at \(first)")
        }
        return notes
    }
}

extension [StrategyPlan.Crisis] {
    /// The built-in crisis windows and these: one named like a built-in window replaces it (`crisis "GFC"
    /// 2007-10 to 2009-03` redates the GFC), so that no two rows or columns of a report carry one name.
    var windows: [CrisisWindow] {
        var windows = CrisisWindow.builtIn
        for crisis in self {
            let window = CrisisWindow(name: crisis.name, from: crisis.from, to: crisis.to)
            if let builtIn = windows.firstIndex(where: { $0.isBuiltIn && $0.name == crisis.name }) {
                windows[builtIn] = window
            } else {
                windows.append(window)
            }
        }
        return windows
    }
}

/// Told the weights held (by asset id, drifted) just before a rebalance at the end of a month.
public typealias HoldingsObserver = @Sendable (Month, [String: Double]) -> Void

/// A hint for a name that is not among `candidates` ("did you mean `Agric`?"), or nil.
public typealias NameSuggestion = @Sendable (_ name: String, _ candidates: [String]) -> String?

extension StrategyPlan {
    /// The factor names known before any data is read (the synthetic market's own), else nil: `tilt check`
    /// then finds a misspelt `f[hlm]` as a run does.
    public var factorNamesBeforeReading: [String]? {
        guard case .universe = factors, case .synthetic = universe else { return nil }
        return RegimeCalibration.study.factorNames
    }

    /// Throws for an exposure `f[name]` of any variant that the factors (`factorNames`, without the
    /// intercept `alpha`) do not have, with the names there are.
    public func checkExposureNames(factorNames: [String]) throws(PlanError) {
        let exposures = ["alpha"] + factorNames
        for (index, variant) in variants.enumerated() {
            for (constraint, name) in variant.problem.exposureNames where !exposures.contains(name) {
                throw PlanError("`f` has no entry labelled `\(name)` (entries: \(exposures.joined(separator: ", ")))",
                                at: .exposureName(variant: index, constraint: constraint, name: name),
                                unknownName: UnknownName(name: name, candidates: exposures, message: ""))
            }
        }
    }
}

extension UniverseSource {
    /// The asset panel and, for the synthetic market, its factors; a note for what was read from a database.
    func load(passwords: DatabasePasswords, notes: inout [String], loading: LoadingProgress?) throws(PlanError) -> (AssetPanel, FactorFile?) {
        do {
            switch self {
            case .crsp(let path, let options):
                let panel = try CRSPExtract.load(path: path, options: options, progress: loading.map { report in { report("crsp", $0, $1) } })
                notes += panel.notes
                return (panel, nil)
            case .crspDatabase(let connection, let tables, let daily, let options):
                let request = CRSPDatabase.Request(conninfo: connection, password: passwords[connection], tables: tables, daily: daily, options: options)
                let loaded = try CRSPDatabase.load(request, progress: loading.map { report in { report("crsp query", $0, $1) } })
                notes.append(loaded.note)
                notes += loaded.panel.notes
                return (loaded.panel, nil)
            case .kenFrenchIndustries(let path):
                let industries = try IndustryPortfolios.load(path: path)
                let panel = try AssetPanel(path: path, months: industries.months, assetIDs: industries.industries,
                                           returns: industries.valueWeightedReturns, marketCaps: industries.marketCap,
                                           sectors: industries.sectors, rowLines: industries.monthLines)
                return (panel, nil)
            case .synthetic(let stocks, let seed, let from, let to):
                let market = try SyntheticMarket.generate(stocks: stocks, seed: seed, from: from, to: to)
                return (market.panel, market.factors)
            case .returns(let path, let caps, let sectors):
                let panel = try AssetPanel.load(path: path, caps: caps, sectors: sectors)
                notes += panel.notes
                return (panel, nil)
            }
        } catch let error as DatabaseError {
            throw PlanError(error.message, at: .universeData, hint: error.hint)
        } catch let error as DataError {
            // A companion file's problem is at the option that named it.
            switch self {
            case .returns(_, let caps?, _) where error.path == caps: throw PlanError(data: error, at: .universeOption("caps"))
            case .returns(_, _, let sectors?) where error.path == sectors: throw PlanError(data: error, at: .universeOption("sectors"))
            default: throw PlanError(data: error, at: .universeData)
            }
        } catch {
            throw PlanError(data: error, at: .universeData)
        }
    }
}

extension FactorSource {
    /// The factor returns; `builtIn` is the universe's own (the synthetic market's). Factors found without
    /// a `factors` statement add a note saying which files were read.
    func load(builtIn: FactorFile?, notes: inout [String]) throws(PlanError) -> FactorFile {
        do {
            switch self {
            case .universe:
                guard let builtIn else { throw PlanError("this universe has no factors of its own", at: .factors) }
                return builtIn
            case .file(let path):
                // A tidy file (a header, then a month or date per row) or a Ken French file as downloaded.
                return try FactorFile.read(path: path)
            case .found(let paths, let rule):
                let (factors, note) = try DataDiscovery.load(DataDiscovery.FactorFiles(paths: paths, rule: rule))
                notes.append(note)
                return factors
            }
        } catch let error as PlanError {
            throw error
        } catch {
            throw PlanError(data: error, at: .factors)
        }
    }
}

extension BenchmarkRule {
    /// Cap weights need caps: `benchmark mktcap` on a universe without them (wide returns without `caps:`,
    /// a long panel without a cap column) is an error; without a `benchmark` statement the benchmark is
    /// then equal-weighted, and the note returned says so.
    func checkCaps(of panel: AssetPanel) throws(PlanError) -> String? {
        guard !panel.hasMarketCaps else { return nil }
        let give = "give caps (`universe returns(\"returns.csv\", caps: \"caps.csv\")`, or a `cap` column in a long panel)"
        switch self {
        case .marketCap:
            throw PlanError("`benchmark mktcap` weights by market cap, and the universe (\(panel.path)) has no market caps", at: .benchmark,
                            hint: "\(give), or write `benchmark equal` for 1/n weights")
        case .marketCapWhenKnown:
            return "\(panel.path) has no market caps, so the benchmark is equal-weighted (1/n over the eligible assets), not cap-weighted: write `benchmark equal` to say so, or \(give)"
        case .equal, .none, .file:
            return nil
        }
    }

    /// The rule as the backtester applies it; `read("weights.csv")`'s assets must be among `assets`.
    func load(assets: [String], suggest: NameSuggestion) throws(PlanError) -> StrategySpecification.Benchmark {
        switch self {
        case .marketCap, .marketCapWhenKnown: return .marketCap
        case .equal: return .equal
        case .none: return .none
        case .file(let path):
            do {
                return .fixed(try BenchmarkWeights.load(path: path, assets: assets) { asset in
                    suggest(asset, assets).map { "did you mean `\($0)`?" }
                })
            } catch {
                throw PlanError(data: error, at: .benchmarkData)
            }
        }
    }
}

extension FactorModelPlan {
    /// The estimation window, an expanding one starting at `start` (the data's first month) unless it says.
    func window(startingAt start: Month) -> EstimationWindow {
        switch window {
        case .expanding(let from): return .expanding(from: from ?? start)
        case .rolling(let months): return .rolling(months: months)
        }
    }

    /// How many of the window's months an asset needs a return in.
    var observations: ObservationRequirement {
        minimumObservations.map(ObservationRequirement.atLeast) ?? .complete
    }

    var specification: FactorModelSpecification {
        switch kind {
        case .ols: return .ols
        case .regime(let states, let covariance, let horizon):
            var options = RegimeModelOptions()
            options.states = states
            options.covariance = covariance == .full ? .full : .diagonal
            options.horizon = horizon
            return .regime(options)
        }
    }
}

extension StrategyPlan.Schedule {
    /// The rebalance months in the data: every `frequency.step` months from `from` through `to`, or by
    /// default from the month the estimation window holds five years (a rolling window: once it is full)
    /// through the data's second-to-last month (the last has no month after it to earn).
    func months(window: EstimationWindow, data: AlignedData) throws(PlanError) -> [Month] {
        let months = data.months
        guard let last = months.dropLast().last else { throw PlanError("the data has fewer than two months", at: .rebalance) }
        var first: Month
        var end = last
        if let from, let to {
            (first, end) = (from, to)
            guard first >= months[0], end <= last else {
                throw PlanError.windowOutsideData(from: first, to: end, first: months[0], last: last, dataEnd: months[months.count - 1])
            }
        } else {
            switch window {
            case .expanding(let from): first = max(from, months[0]) + 59
            case .rolling(let length): first = months[0] + (length - 1)
            }
        }
        if from == nil || to == nil, first > end {
            // The default start lies beyond the data: say why it is where it is, and how to choose another.
            let reason: String
            switch window {
            case .expanding(let from): reason = "five years into the estimation window from \(max(from, months[0]))"
            case .rolling(let length): reason = "once the rolling window of \(length) months is full"
            }
            throw PlanError("the first rebalance by default is \(first) (\(reason)), after the data's last rebalance month \(last)",
                            at: .rebalanceWindow,
                            hint: "state the months, e.g. `rebalance \(frequency.rawValue) from \(max(months[0], last - 11)) to \(last)`, or give the model a shorter window")
        }
        let available = Set(months)
        let schedule = stride(from: first.ordinal, through: end.ordinal, by: frequency.step).map { Month(ordinal: $0) }.filter(available.contains)
        guard !schedule.isEmpty else {
            throw PlanError("no rebalance month falls inside the data (\(months[0])…\(last))", at: .rebalanceWindow)
        }
        return schedule
    }
}

/// Results of a sweep's backtests, filled from several threads, and their combined progress.
private final class SweepOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Result<BacktestResult, Error>?]
    private var done: [Int]

    init(count: Int) {
        outcomes = Array(repeating: nil, count: count)
        done = Array(repeating: 0, count: count)
    }

    func store(_ outcome: Result<BacktestResult, Error>, at index: Int) {
        lock.withLock { outcomes[index] = outcome }
    }

    /// Records a run's progress and reports the total under the lock (so a progress bar is drawn by one
    /// thread at a time).
    func progressed(run: Int, done count: Int, report: (Int) -> Void) {
        lock.withLock {
            done[run] = count
            report(done.reduce(0, +))
        }
    }

    var results: [Result<BacktestResult, Error>] {
        lock.withLock { outcomes.map { $0 ?? .failure(BacktestError(month: nil, "the backtest did not run")) } }
    }
}
