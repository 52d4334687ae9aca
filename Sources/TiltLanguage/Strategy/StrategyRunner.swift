import Foundation
import TiltBacktest
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltModels
import TiltSyntax

/// Turns a complete `StrategyDraft` into backtests: loads the universe and factors, sets the estimation
/// window, benchmark, schedule and costs, and for each value of a swept parameter runs the backtester with
/// a problem built from the program's objective and constraints at every rebalance.
extension Interpreter {
    func runStrategy(_ draft: StrategyDraft, file: SourceFile) throws -> [BacktestResult] {
        guard let universeExpr = draft.universe, let objective = draft.objective, let rebalance = draft.rebalance else {
            throw Diagnostic("the strategy is incomplete: it needs \(draft.missingPart ?? "more statements")",
                             at: draft.firstRange ?? .empty)
        }
        let (panel, builtInFactors) = try loadUniverse(universeExpr)
        let factors: FactorFile
        if let factorsExpr = draft.factors {
            factors = try loadFactors(factorsExpr)
        } else if let builtInFactors {
            factors = builtInFactors
        } else {
            // Without a `factors` statement, factors.csv beside the data (as `tilt synth` writes it).
            let file = try inputFile("factors.csv", at: universeExpr.range)
            guard FileManager.default.fileExists(atPath: file) else {
                throw Diagnostic("this universe has no factors of its own and there is no factors.csv beside the data",
                                 at: universeExpr.range,
                                 hint: "add `factors \"F-F_Research_Data_5_Factors_2x3.csv\"` (Ken French or tidy CSV)")
            }
            do { factors = try FactorFile.loadTidy(path: file) } catch { throw dataError(error, at: universeExpr.range) }
        }
        let data: AlignedData
        do { data = try AlignedData(panel: panel, factors: factors) } catch {
            // At the statement that read the file the problem is about.
            let aboutReturns = (error as? DataError)?.path == panel.path
            throw dataError(error, at: aboutReturns ? universeExpr.range : draft.factors?.range ?? universeExpr.range)
        }
        let benchmark = try benchmarkRule(draft.benchmark, assets: data.panel.assetIDs)
        let cost = try costPerTurnover(draft)
        let crises = try crisisWindows(draft)
        let variants = try strategyVariants(draft, file: file)
        let builder = StrategyProblemBuilder(bindings: bindings, file: file, sense: objective.sense,
                                             objective: objective.objective, constraints: objective.constraints)
        // Values of a sweep with the same model share their data, window and schedule, so they share the
        // estimated models too.
        let sharedCache = FactorModelCache()
        let specs = try variants.map { variant in
            let (window, model) = try factorModel(variant.model, data: data)
            let months = try rebalanceMonths(rebalance.frequency, rebalance.window, window: window, data: data)
            var configured = builder
            configured.bindings.merge(variant.bindings) { $1 }
            configured.sweptBound = variant.bound
            let b = configured
            return StrategySpecification(
                name: variant.label.isEmpty ? "strategy" : variant.label, data: data, benchmark: benchmark,
                window: window, model: model, rebalanceMonths: months, costPerTurnover: cost,
                allocation: draft.allocateBySector ? .sectors : .assets, crises: crises,
                modelCache: variant.sweepsModel ? nil : sharedCache, problem: { context in try b.problem(for: context) })
        }
        // The values of a sweep are independent backtests: they run on all cores.
        let outcomes = SweepOutcomes(count: specs.count)
        let report = progress
        let total = specs.reduce(0) { $0 + $1.rebalanceMonths.count }
        DispatchQueue.concurrentPerform(iterations: specs.count) { i in
            let outcome = Result { try Backtester.run(specs[i], progress: { done, _ in
                outcomes.progressed(run: i, done: done) { report?($0, total) }
            }) }
            outcomes.store(outcome, at: i)
        }
        return try outcomes.results.enumerated().map { i, outcome in
            do {
                return try outcome.get()
            } catch let error as BacktestError {
                let label = variants[i].label
                throw Diagnostic((label.isEmpty ? "" : "with \(label), ") + error.description, at: objective.range, hint: error.hint)
            }
        }
    }

    /// One backtest of a strategy and what sets it apart from the others of its sweep.
    private struct StrategyVariant {
        /// How results are named (`tev = 6%`, or the model: `regime`, `ols`); empty without a sweep.
        var label = ""
        /// Parameters bound for this run (`gamma in …`).
        var bindings: [String: Value] = [:]
        /// A strategy quantity bounded for this run (`tev in …` bounds `tev`).
        var bound: (String, Double)?
        /// The model expression (`model …` or one value of `model in […]`); nil for the default.
        var model: Expr?
        /// Whether the sweep runs over models (each then estimates its own).
        var sweepsModel = false
    }

    /// The backtests a strategy asks for: one, or one per value of its sweep (a number list or range, or a
    /// list of models).
    private func strategyVariants(_ draft: StrategyDraft, file: SourceFile) throws -> [StrategyVariant] {
        if draft.sweeps.count > 1 {
            throw Diagnostic("one parameter can be swept at a time", at: draft.sweeps[1].name.range)
        }
        guard let sweep = draft.sweeps.first else { return [StrategyVariant(model: draft.model)] }
        if sweep.name.name == "model" {
            if let model = draft.model {
                throw Diagnostic("a `model` statement and `model in […]` together: the sweep already names the models",
                                 at: model.range, hint: "keep only `model in [ols, regime(states: 2)]`")
            }
            guard case .matrix(let rows) = sweep.values.kind, !rows.joined().isEmpty else {
                throw Diagnostic("`model in` runs over a list of models", at: sweep.values.range,
                                 hint: "e.g. `model in [regime(states: 2), ols]`")
            }
            // Results are named by the model's name (`regime`, `ols`), or by the whole form when two share it.
            let models = Array(rows.joined())
            let names = models.map { model -> String in
                switch model.kind {
                case .call(let name, _): return name.name
                default: return Formatter.format(model, in: file)
                }
            }
            return zip(models, names).map { model, name in
                let label = names.filter { $0 == name }.count == 1 ? name : Formatter.format(model, in: file)
                return StrategyVariant(label: label, model: model, sweepsModel: true)
            }
        }
        let numbers: [Double]
        switch try evaluate(sweep.values) {
        case .number(let x): numbers = [x]
        case .matrix(let m) where m.isVector: numbers = m.storage
        default: throw Diagnostic("a sweep runs over numbers: a list or a range", at: sweep.values.range)
        }
        let style = sweep.values.literalStyle
        let name = sweep.name.name
        try checkSweepable(sweep.name, draft)
        return numbers.map { x in
            var variant = StrategyVariant(label: "\(name) = \(style.format(x))", model: draft.model)
            // Sweeping a strategy quantity (`tev in …`) bounds it; any other name is a parameter.
            if Self.boundableQuantities.contains(name) { variant.bound = (name, x) } else { variant.bindings = [name: .number(x)] }
            return variant
        }
    }

    /// The program's `costs` (a proportion of turnover), 0 without one.
    func costPerTurnover(_ draft: StrategyDraft) throws -> Double {
        guard let costsExpr = draft.costs else { return 0 }
        guard case .number(let c) = try evaluate(costsExpr), c >= 0, c < 1 else {
            throw Diagnostic("costs are a proportion of turnover, like `10bps`", at: costsExpr.range)
        }
        return c
    }

    /// The built-in crisis windows and the program's own `crisis` statements. A window named like a
    /// built-in one replaces it (`crisis "GFC" 2007-10 to 2009-03` redates the GFC), so that no two rows or
    /// columns of a report carry one name.
    func crisisWindows(_ draft: StrategyDraft) throws -> [CrisisWindow] {
        var crises = CrisisWindow.builtIn
        for (nameExpr, windowExpr) in draft.crises {
            guard case .string(let name) = try evaluate(nameExpr) else { throw Diagnostic("a crisis needs a name", at: nameExpr.range) }
            let (from, to) = try monthRange(windowExpr)
            let window = CrisisWindow(name: name, from: from, to: to)
            if let builtIn = crises.firstIndex(where: { $0.isBuiltIn && $0.name == name }) {
                crises[builtIn] = window
            } else {
                crises.append(window)
            }
        }
        return crises
    }

    /// Strategy quantities a sweep can bound: `tev in 1% to 10% by 0.5%` runs `tev <= value` for each value.
    static let boundableQuantities: Set<String> = ["tev", "risk", "turnover"]

    /// A swept name must change something: a bound of the strategy, or a parameter the objective or a
    /// constraint reads. The names the strategy sets at each rebalance (`w`, `b`, `mu`, `f`) would hide
    /// the swept values, so they cannot be swept.
    private func checkSweepable(_ name: Identifier, _ draft: StrategyDraft) throws {
        let hint = "sweep a bound (`tev in 2% to 8% by 1%`) or a parameter the objective uses (`gamma in [1, 5]`)"
        if Self.boundableQuantities.contains(name.name) { return }
        if StrategyVocabulary.objectiveNames.contains(where: { $0.0 == name.name }) {
            throw Diagnostic("`\(name.name)` is set by the strategy at each rebalance, so it cannot be swept", at: name.range, hint: hint)
        }
        guard let objective = draft.objective else { return }
        let read = objective.objective.mentions(name.name) || objective.constraints.contains { $0.expr.mentions(name.name) }
        if !read {
            throw Diagnostic("neither the objective nor a constraint uses `\(name.name)`, so sweeping it changes nothing",
                             at: name.range, hint: hint)
        }
    }

    // MARK: Data

    func path(_ e: Expr, what: String) throws -> String {
        guard case .string(let p) = try evaluate(e) else {
            throw Diagnostic("expected the file name of \(what) in quotes", at: e.range)
        }
        let resolved = try inputFile(p, at: e.range)
        guard FileManager.default.fileExists(atPath: resolved) else {
            throw Diagnostic.missingFile(p, looked: dataPlaces, at: e.range)
        }
        return resolved
    }

    private func dataError(_ error: Error, at range: SourceRange) -> Diagnostic {
        Diagnostic.data(error, at: range)
    }

    private func loadUniverse(_ e: Expr) throws -> (AssetPanel, FactorFile?) {
        switch e.kind {
        case .name("crsp"):
            let file = try inputFile("crsp.csv", at: e.range)
            guard FileManager.default.fileExists(atPath: file) else {
                throw Diagnostic("`universe crsp` reads crsp.csv (CRSP columns permno, date, ret, prc, shrout, siccd) from the program's folder or the data directory, and there is none",
                                 at: e.range,
                                 hint: "pass --data DIR or set TILT_DATA; or use `universe synthetic(stocks: 500, seed: 42)`")
            }
            do { return (try CRSPExtract.load(path: file), nil) } catch { throw dataError(error, at: e.range) }
        case .call(let name, let arguments) where name.name == "kenfrench":
            guard arguments.count == 1 else { throw Diagnostic("kenfrench takes the file name", at: e.range) }
            let file = try path(arguments[0].value, what: "the Ken French industry portfolios")
            do {
                let industries = try IndustryPortfolios.load(path: file)
                let panel = try AssetPanel(path: file, months: industries.months, assetIDs: industries.industries,
                                           returns: industries.valueWeightedReturns, marketCaps: industries.marketCap,
                                           sectors: industries.sectors, rowLines: industries.monthLines)
                return (panel, nil)
            } catch {
                throw dataError(error, at: arguments[0].value.range)
            }
        case .call(let name, let arguments) where name.name == "synthetic":
            let options = try SyntheticOptions(arguments, evaluate: evaluate)
            do {
                let market = try SyntheticMarket.generate(stocks: options.stocks, seed: options.seed, from: options.from, to: options.to)
                return (market.panel, market.factors)
            } catch {
                throw dataError(error, at: e.range)
            }
        case .string:
            let file = try path(e, what: "the returns")
            do { return (try AssetPanel.loadWide(returns: file), nil) } catch { throw dataError(error, at: e.range) }
        default:
            throw Diagnostic("this universe is not available in this build of Tilt yet", at: e.range,
                             hint: "use `universe kenfrench(\"48_Industry_Portfolios.CSV\")`, `universe crsp` or a wide CSV of returns")
        }
    }

    private func loadFactors(_ e: Expr) throws -> FactorFile {
        let file = try path(e, what: "the factors")
        do {
            // A tidy file starts with a `month` column; a Ken French file with its description text.
            let head = (try? String(contentsOfFile: file, encoding: .utf8))?.prefix(200) ?? ""
            return head.lowercased().hasPrefix("month") ? try FactorFile.loadTidy(path: file) : try FactorFile.load(path: file)
        } catch {
            throw dataError(error, at: e.range)
        }
    }

    // MARK: Settings

    func monthRange(_ e: Expr) throws -> (Month, Month) {
        guard case .range(let lo, let hi, nil) = e.kind, case .month(let y0, let m0) = lo.kind, case .month(let y1, let m1) = hi.kind else {
            throw Diagnostic("expected a month range like `1993-12 to 2024-11`", at: e.range)
        }
        let from = Month(y0, m0), to = Month(y1, m1)
        guard from <= to else { throw Diagnostic("the range is empty: \(from) is after \(to)", at: e.range) }
        return (from, to)
    }

    /// The factor model and its estimation window: `model ols(window: expanding | rolling N, from: M)` or
    /// `model regime(states: S, covariance: diag | full, horizon: h, window: …, from: M)`; OLS over an
    /// expanding window from the first month without a `model` statement.
    private func factorModel(_ e: Expr?, data: AlignedData) throws -> (EstimationWindow, FactorModelSpecification) {
        let start = data.months[0]
        guard let e else { return (.expanding(from: start), .ols) }
        let (name, arguments): (Identifier, [CallArgument])
        switch e.kind {
        case .call(let n, let a): (name, arguments) = (n, a)
        case .name(let n): (name, arguments) = (Identifier(n, range: e.range), [])
        default: (name, arguments) = (Identifier("", range: e.range), [])
        }
        guard name.name == "ols" || name.name == "regime" else {
            throw Diagnostic("this model is not available in this build of Tilt yet", at: e.range,
                             hint: "use `model ols(window: expanding)` or `model regime(states: 2)`")
        }
        let isRegime = name.name == "regime"
        let usage = isRegime ? "regime(states: 2, covariance: diag | full, horizon: 1, window: expanding | rolling 120, from: 1963-07)"
                             : "ols(window: expanding | rolling 120, from: 1963-07)"
        var window = EstimationWindow.expanding(from: start)
        var from = start
        var options = RegimeModelOptions()
        for argument in arguments {
            switch (argument.label?.name, argument.value.kind) {
            case ("from", .month(let y, let m)): from = Month(y, m)
            case ("window", .name("expanding")): window = .expanding(from: start)
            case ("window", .apply(let word, let length)) where word.name == "rolling":
                guard case .number(let n) = try evaluate(length), let months = Int(whole: n, in: 2...1200) else {
                    throw Diagnostic("a rolling window is a whole number of months from 2 to 1200, e.g. `rolling 120`", at: length.range)
                }
                window = .rolling(months: months)
            case ("covariance", .name("diag")) where isRegime: options.covariance = .diagonal
            case ("covariance", .name("full")) where isRegime: options.covariance = .full
            case ("states", _) where isRegime:
                options.states = try wholeNumber(argument.value, in: 1...8, what: "the number of regimes")
            case ("horizon", _) where isRegime:
                options.horizon = try wholeNumber(argument.value, in: 1...120, what: "the forecast horizon in months")
            default:
                throw Diagnostic("unknown \(name.name) option", at: argument.value.range, hint: usage)
            }
        }
        if case .expanding = window { window = .expanding(from: from) }
        return (window, isRegime ? .regime(options) : .ols)
    }

    /// A whole number in `range` written in the program, or a diagnostic naming what it should be.
    private func wholeNumber(_ e: Expr, in range: ClosedRange<Int>, what: String) throws -> Int {
        guard case .number(let x) = try evaluate(e), let n = Int(whole: x, in: range) else {
            throw Diagnostic("\(what) is a whole number from \(range.lowerBound) to \(range.upperBound)", at: e.range)
        }
        return n
    }

    private func rebalanceMonths(_ frequency: Identifier, _ range: Expr?, window: EstimationWindow, data: AlignedData) throws -> [Month] {
        let step: Int
        switch frequency.name {
        case "monthly": step = 1
        case "quarterly": step = 3
        case "annually": step = 12
        default: throw Diagnostic("unknown rebalancing frequency `\(frequency.name)`", at: frequency.range)
        }
        let months = data.months
        guard let last = months.dropLast().last else { throw Diagnostic("the data has fewer than two months", at: frequency.range) }
        var first: Month
        var end = last
        if let range {
            (first, end) = try monthRange(range)
            guard first >= months[0], end <= last else {
                throw Diagnostic("the rebalancing window \(first)…\(end) is outside the data (\(months[0])…\(last) for rebalances)", at: range.range)
            }
        } else {
            // By default, start once the estimation window holds five years of data.
            switch window {
            case .expanding(let from): first = max(from, months[0]) + 59
            case .rolling(let length): first = months[0] + (length - 1)
            }
        }
        let available = Set(months)
        let schedule = stride(from: first.ordinal, through: end.ordinal, by: step).map { Month(ordinal: $0) }.filter(available.contains)
        guard !schedule.isEmpty else {
            throw Diagnostic("no rebalance month falls inside the data (\(months[0])…\(last))", at: range?.range ?? frequency.range)
        }
        return schedule
    }

    /// How the benchmark's weights are set; `read("weights.csv")` reads an `asset,weight` file whose
    /// assets must be among `assets` (the universe's).
    private func benchmarkRule(_ e: Expr?, assets: [String]) throws -> StrategySpecification.Benchmark {
        guard let e else { return .marketCap }
        switch e.kind {
        case .name("mktcap"): return .marketCap
        case .name("equal"): return .equal
        case .name("none"): return .none
        case .call(let name, let arguments) where name.name == "read" && arguments.count == 1:
            let file = try path(arguments[0].value, what: "the benchmark weights")
            do {
                return .fixed(try BenchmarkWeights.load(path: file, assets: assets) { asset in
                    closestName(to: asset, among: assets).map { "did you mean `\($0)`?" }
                })
            } catch {
                throw dataError(error, at: arguments[0].value.range)
            }
        default:
            throw Diagnostic("unknown benchmark", at: e.range, hint: "mktcap, equal, none or read(\"weights.csv\")")
        }
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

/// The options of `universe synthetic(stocks: 500, seed: 42, from: 1970-01, to: 2024-12)`, with those
/// defaults.
struct SyntheticOptions {
    var stocks = 500
    var seed: UInt64 = 42
    var from = Month(1970, 1)
    var to = Month(2024, 12)

    init(_ arguments: [CallArgument], evaluate: (Expr) throws -> Value) throws {
        for argument in arguments {
            let value = try evaluate(argument.value)
            switch (argument.label?.name, value) {
            case ("stocks", .number(let n)) where Int(whole: n, in: 2...100_000) != nil: stocks = Int(whole: n) ?? stocks
            case ("seed", .number(let n)) where UInt64(whole: n, in: 0...8_999_999_999_999_999) != nil: seed = UInt64(whole: n) ?? seed
            case ("from", .month(let m)): from = m
            case ("to", .month(let m)): to = m
            default:
                throw Diagnostic("synthetic takes stocks: (2 to 100000), seed: (a whole number), from: and to: (months)",
                                 at: argument.value.range)
            }
        }
        guard from < to else { throw Diagnostic("the synthetic market must run forward in time: \(from) is not before \(to)", at: arguments.first?.value.range ?? .empty) }
    }
}

private extension Expr {
    /// How the values of a swept range were written (percent, basis points or plain), to label results.
    var literalStyle: NumberStyle {
        switch kind {
        case .number(_, let style): return style
        case .range(let lo, _, _): return lo.literalStyle
        case .matrix(let rows): return rows.first?.first?.literalStyle ?? .plain
        default: return .plain
        }
    }
}

private extension NumberStyle {
    func format(_ x: Double) -> String {
        switch self {
        case .plain: return formatNumber(x)
        case .percent: return formatNumber((x * 100 * 1e9).rounded() / 1e9) + "%"
        case .basisPoints: return formatNumber((x * 10_000 * 1e9).rounded() / 1e9) + "bps"
        }
    }
}
