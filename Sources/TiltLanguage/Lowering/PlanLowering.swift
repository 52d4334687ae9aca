import Foundation
import TiltBacktest
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltPortfolio
import TiltSyntax
import TiltWRDS

/// Where each part of a plan was written, so that an error met when the plan runs (a data file that does
/// not read, a backtest that fails) points at the statement that asked for it.
struct PlanSourceMap {
    var ranges: [PlanError.Part: SourceRange] = [:]
    /// The strategy's first statement, for anything else.
    var fallback: SourceRange

    func range(_ part: PlanError.Part) -> SourceRange {
        if let range = ranges[part] { return range }
        switch part {
        case .constraint(let variant, _), .exposureName(let variant, nil, _):
            return ranges[.objective(variant: variant)] ?? fallback
        case .exposureName(let variant, let constraint?, _):
            return range(.constraint(variant: variant, index: constraint))
        case .model(let variant) where variant > 0:
            // One `model` statement is every variant's model.
            return range(.model(variant: 0))
        default:
            return fallback
        }
    }

    /// The error as a diagnostic at its part: a data error with its file, line and excerpt; a name the data
    /// does not have with the closest one as a hint.
    func diagnostic(_ error: PlanError) -> Diagnostic {
        let range = self.range(error.part)
        if let data = error.dataError { return Diagnostic.data(data, at: range) }
        let suggestion = error.unknownName.flatMap { unknown in
            closestName(to: unknown.name, among: unknown.candidates).map { "did you mean `\($0)`?" }
        }
        return Diagnostic(error.message, at: range, hint: error.hint ?? suggestion)
    }
}

/// Lowers a program's strategy (or parametric policy, or experiment) into a `Plan`: every option read and
/// checked by the vocabulary, data paths resolved, the program's constants folded in, every value of a
/// sweep a variant of its own. `tilt check` runs it with only literals known and without looking up files
/// (`locations` nil); a run, with the program's bindings and the data folders. So whatever does not need
/// data is found by both, at the same place, with the same message.
struct PlanLowering {
    let scope: ConstantScope
    /// Where data files are looked up; nil before the program runs (paths are then not resolved).
    let locations: DataLocations?
    /// Every problem found, in order.
    private(set) var diagnostics: [Diagnostic] = []
    /// Whether a value could not be known yet: the plan is then only a sketch (checking only).
    private(set) var incomplete = false
    /// Choices made that the program did not state (which file `universe crsp` reads), for the user to see
    /// when the plan runs.
    private(set) var notes: [String] = []
    /// Passwords the program wrote in a database connection string, by the string without them: the plan
    /// never holds one (`UniverseSource.crspDatabase`).
    private(set) var passwords: DatabasePasswords = [:]

    init(scope: ConstantScope, locations: DataLocations?) {
        self.scope = scope
        self.locations = locations
    }

    private mutating func report(_ error: Error, at range: SourceRange) {
        if let several = error as? Diagnostics { return diagnostics += several.all }
        diagnostics.append(error as? Diagnostic ?? Diagnostic(String(describing: error), at: range))
    }

    /// Runs a step, recording its error; nil when it failed.
    private mutating func attempt<T>(at range: SourceRange, _ body: (inout PlanLowering) throws -> T?) -> T? {
        do { return try body(&self) } catch {
            report(error, at: range)
            return nil
        }
    }

    /// Reads `e` as one of `forms`, recording the reader's problems.
    private mutating func form(_ e: Expr, _ forms: [VocabularyForm], keyword: String) -> FormValues? {
        var reader = FormReader(scope: scope)
        let values = reader.read(e, forms: forms, keyword: keyword)
        diagnostics += reader.diagnostics
        return reader.diagnostics.isEmpty ? values : nil
    }

    // MARK: One statement at a time (`tilt check`, each REPL entry)

    /// Checks one strategy or experiment statement, written in `file`, on its own.
    mutating func check(_ stmt: Stmt, in file: SourceFile) {
        switch stmt.kind {
        case .universe(let e): _ = universe(e)
        case .factors(let e): _ = factorsPath(e)
        case .benchmark(let e): _ = benchmark(e)
        case .model(let e): _ = model(e)
        case .objective(let sense, let e, let constraints):
            var objective = ObjectiveLowering(scope: scope, file: file, sectors: nil, keyword: Self.keyword(of: stmt.range, before: e, in: file))
            _ = attempt(at: stmt.range) { _ in try objective.problem(sense, e, constraints) }
        case .policy(let e, let utility): _ = policyValues(e, utility: utility)
        case .allocate(let key): _ = allocation(key)
        case .rebalance(let frequency, let window): _ = schedule(frequency, window)
        case .costs(let e): _ = costs(e)
        case .crisis(let name, let window): _ = crisis(name, window)
        case .sweep(let name, let values) where name.name == "model": _ = models(values, in: file)
        case .experiment(let e): _ = experiment(e)
        case .at(let e): _ = month(e)
        case .solve(_, _, _, let options):
            var reader = FormReader(scope: scope)
            _ = reader.solverSettings(options, of: stmt)
            diagnostics += reader.diagnostics
        case .sweep, .letBinding, .variable, .print, .expression: break
        }
    }

    /// `maximize` or `minimize` as written at the start of the objective statement at `range`, before its
    /// objective `e` (for hints that write the statement again).
    static func keyword(of range: SourceRange, before e: Expr, in file: SourceFile) -> String? {
        let written = file.text(SourceRange(start: range.start, end: e.range.start)).split(whereSeparator: \.isWhitespace).first
        return written.map(String.init)
    }

    // MARK: The whole strategy

    /// The plan of a complete strategy (an objective's backtests, or a parametric policy); nil with
    /// diagnostics when it has errors, or when it is incomplete and `requireComplete`.
    mutating func plan(_ draft: StrategyDraft) -> (Plan, PlanSourceMap)? {
        guard let universeExpr = draft.universe, let rebalance = draft.rebalance, draft.objective != nil || draft.policy != nil else {
            diagnostics.append(Diagnostic("the strategy is incomplete: it needs \(draft.missingPart ?? "more statements")",
                                          at: draft.firstRange ?? .empty))
            return nil
        }
        var map = PlanSourceMap(fallback: draft.firstRange ?? universeExpr.range)
        if let policy = draft.policy {
            return policyPlan(draft, policy, universeExpr, rebalance, &map).map { (Plan(policy: $0), map) }
        }
        return strategyPlan(draft, universeExpr, rebalance, &map).map { (Plan(strategy: $0), map) }
    }

    private mutating func strategyPlan(_ draft: StrategyDraft, _ universeExpr: Expr,
                                       _ rebalance: (frequency: Identifier, window: Expr?, range: SourceRange),
                                       _ map: inout PlanSourceMap) -> StrategyPlan? {
        guard let objective = draft.objective else { return nil }
        let errorsBefore = diagnostics.count
        let sources = self.sources(draft, universeExpr, &map)
        let cost = draft.costs.flatMap { costs($0) } ?? 0
        let crises = draft.crises.compactMap { crisis($0.name, $0.window) }
        let schedule = self.schedule(rebalance.frequency, rebalance.window)
        map.ranges[.rebalance] = rebalance.frequency.range
        map.ranges[.rebalanceWindow] = rebalance.window?.range ?? rebalance.frequency.range
        let variants = self.variants(draft, objective, sectors: sources.flatMap { sectorNames(of: $0.universe) },
                                     crsp: sources?.universe.isCRSP ?? false, map: &map)
        guard diagnostics.count == errorsBefore, let sources, let schedule, let variants else { return nil }
        let plan = StrategyPlan(universe: sources.universe, factors: sources.factors, benchmark: sources.benchmark,
                                allocation: sources.allocation, schedule: schedule, costPerTurnover: cost, crises: crises,
                                variants: variants)
        if let names = plan.factorNamesBeforeReading {
            do { try plan.checkExposureNames(factorNames: names) } catch {
                diagnostics.append(map.diagnostic(error))
                return nil
            }
        }
        // A rolling window too short for the model: exactly when the factors are known before any file is
        // read, else only when it is too short for any model (the run checks it again with the file's factors).
        do { try plan.checkWindowLengths(factorNames: plan.factorNamesBeforeReading) } catch {
            diagnostics.append(map.diagnostic(error))
            return nil
        }
        return plan
    }

    /// The plan a month view (`at M`) looks through: the strategy's data, model and — when it has an
    /// objective — its problem, from statements that need not make a complete strategy (no schedule, no
    /// objective yet). Without an objective its one variant has an empty problem, never solved; without a
    /// `rebalance` statement the schedule is monthly (a view does not use it).
    mutating func viewPlan(_ draft: StrategyDraft, at range: SourceRange) -> (StrategyPlan, PlanSourceMap)? {
        guard let universeExpr = draft.universe else {
            diagnostics.append(Diagnostic("`at` looks at a month of the strategy's data, and there is no `universe` statement yet", at: range,
                                          hint: "state the data first, e.g. `universe kenfrench(\"48_Industry_Portfolios.CSV\")`"))
            return nil
        }
        if draft.policy != nil {
            diagnostics.append(Diagnostic("`at` opens a month of a factor strategy — its factor model, benchmark and problem — and a parametric policy has none",
                                          at: range, hint: "the policy's weights come from its characteristics; its θ path is in its report (`tilt run FILE --out DIR`, theta.csv)"))
            return nil
        }
        let errorsBefore = diagnostics.count
        var map = PlanSourceMap(fallback: draft.firstRange ?? universeExpr.range)
        let sources = self.sources(draft, universeExpr, &map)
        var schedule = StrategyPlan.Schedule(frequency: .monthly)
        if let rebalance = draft.rebalance, let stated = self.schedule(rebalance.frequency, rebalance.window) { schedule = stated }
        var variants: [StrategyPlan.Variant]?
        if let objective = draft.objective {
            variants = self.variants(draft, objective, sectors: sources.flatMap { sectorNames(of: $0.universe) },
                                     crsp: sources?.universe.isCRSP ?? false, map: &map)
        } else {
            var model = draft.model.flatMap { self.model($0) } ?? .standard
            if draft.model == nil, let sweep = draft.sweeps.first, sweep.name.name == "model", let first = models(sweep.values, in: sweep.file)?.first {
                model = first.model
            }
            variants = [StrategyPlan.Variant(label: "", model: model, problem: PortfolioProblem(sense: .maximize, objective: [], constraints: [], defaults: []))]
        }
        guard diagnostics.count == errorsBefore, let sources, let variants else { return nil }
        return (StrategyPlan(universe: sources.universe, factors: sources.factors, benchmark: sources.benchmark,
                             allocation: sources.allocation, schedule: schedule, costPerTurnover: 0, crises: [], variants: variants), map)
    }

    /// What a strategy's data is — its universe, factors, benchmark and decision units — read from its
    /// statements, which need not be complete (a session can look at a month before it has an objective).
    mutating func sources(_ draft: StrategyDraft, _ universeExpr: Expr, _ map: inout PlanSourceMap)
        -> (universe: UniverseSource, factors: FactorSource, benchmark: BenchmarkRule, allocation: StrategySpecification.Allocation)? {
        let errorsBefore = diagnostics.count
        let universe = self.universe(universeExpr)
        map.ranges[.universe] = universeExpr.range
        map.ranges[.universeData] = universe?.dataRange ?? universeExpr.range
        for (label, range) in universe?.optionRanges ?? [:] { map.ranges[.universeOption(label)] = range }
        map.ranges[.factors] = draft.factors?.range ?? universeExpr.range
        var factors = FactorSource.universe
        if let factorsExpr = draft.factors {
            if let path = factorsPath(factorsExpr) { factors = .file(path: path) }
        } else if let universe, !universe.hasFactors {
            factors = defaultFactors(besides: universe.folder, at: universeExpr.range) ?? factors
        }
        var benchmarkRule = BenchmarkRule.marketCapWhenKnown
        if let e = draft.benchmark, let rule = benchmark(e) {
            benchmarkRule = rule.rule
            map.ranges[.benchmarkData] = rule.dataRange
            map.ranges[.benchmark] = e.range
        }
        var allocationRule = StrategySpecification.Allocation.assets
        if let key = draft.allocation, allocation(key) != nil { allocationRule = .sectors }
        guard diagnostics.count == errorsBefore, let universe else { return nil }
        return (universe.source, factors, benchmarkRule, allocationRule)
    }

    /// The factors of a universe without its own and without a `factors` statement, found beside the data
    /// (`DataDiscovery.defaultFactorFiles`: factors.csv, Ken French's files as downloaded, the one factor
    /// file), looked for in `folder` (a CRSP extract's) first, then the program's folder and the data
    /// directory. Before the program runs, not looked up.
    private mutating func defaultFactors(besides folder: String?, at range: SourceRange) -> FactorSource? {
        guard let locations else { return .found(paths: [], rule: "looked up when the program runs") }
        do {
            if let found = try DataDiscovery.defaultFactorFiles(in: (folder.map { [$0] } ?? []) + locations.folders) {
                return .found(paths: found.paths, rule: found.rule)
            }
            diagnostics.append(Diagnostic("this universe has no factors of its own, and no factor file was found beside the data", at: range,
                                          hint: "add `factors \"F-F_Research_Data_5_Factors_2x3.csv\"` (Ken French's file as downloaded, or a tidy CSV); `tilt data fetch kenfrench` downloads his files"))
        } catch {
            diagnostics.append(Diagnostic.data(error, at: range))
        }
        return nil
    }

    /// The sectors the universe's assets can have, when known before its data is read: the SIC divisions
    /// for Ken French's industries and the synthetic market, the scheme's for CRSP, none for wide returns
    /// without a sectors file; unknown (nil) for a sectors file or a file that may be a long panel with a
    /// sector column (known to be wide only once its header can be read, when the program runs).
    private func sectorNames(of universe: UniverseSource) -> [String]? {
        switch universe {
        case .kenFrenchIndustries, .synthetic: return SICDivision.allCases.map(\.name)
        case .crsp(_, let options), .crspDatabase(_, _, _, let options): return options.sectors.names
        case .returns(_, _, _?): return nil
        case .returns(_, _?, nil): return []
        case .returns(let path, nil, nil):
            return locations != nil && FileManager.default.fileExists(atPath: path) && !AssetPanel.isLongPanel(path: path) ? [] : nil
        }
    }

    // MARK: Sweeps and variants

    /// One variant per value of the strategy's sweep (or per model of `model in […]`), else one.
    /// `crsp`: the universe is CRSP single names (its model defaults allow missing months).
    private mutating func variants(_ draft: StrategyDraft, _ objective: StrategyDraft.Objective, sectors: [String]?, crsp: Bool,
                                   map: inout PlanSourceMap) -> [StrategyPlan.Variant]? {
        // With more than one sweep, the first is lowered all the same, so that its own errors show too.
        for extra in draft.sweeps.dropFirst() {
            diagnostics.append(Diagnostic("one parameter can be swept at a time", at: extra.name.range))
        }
        let model = draft.model.flatMap { self.model($0, crsp: crsp) }
        let standard = crsp ? FactorModelPlan.crspStandard : FactorModelPlan.standard
        // Where each variant's model is written: the `model` statement, or its entry of `model in […]`.
        if let sweep = draft.sweeps.first, sweep.name.name == "model", case .matrix(let rows) = sweep.values.kind {
            for (index, form) in rows.joined().enumerated() { map.ranges[.model(variant: index)] = form.range }
        } else if let modelExpr = draft.model {
            map.ranges[.model(variant: 0)] = modelExpr.range // every variant's (`PlanSourceMap.range`)
        }
        /// The variant's problem, with `scope` giving the constants (a swept parameter's value) and the
        /// constraints adjusted by `adjust`.
        func problem(_ lowering: inout PlanLowering, scope: ConstantScope, variant: Int,
                     skipping: (Constraint) -> Bool = { _ in false }, extra: [PortfolioConstraint] = [],
                     extraRange: SourceRange? = nil) -> PortfolioProblem? {
            var objectiveLowering = ObjectiveLowering(scope: scope, file: objective.file, sectors: sectors,
                                                      keyword: Self.keyword(of: objective.range, before: objective.objective, in: objective.file))
            let result = lowering.attempt(at: objective.range) { _ in
                try objectiveLowering.problem(objective.sense, objective.objective, objective.constraints, skipping: skipping, extra: extra)
            }
            if objectiveLowering.incomplete { lowering.incomplete = true }
            map.ranges[.objective(variant: variant)] = objective.range
            for (name, range) in objective.objective.exposureLabels { map.ranges[.exposureName(variant: variant, constraint: nil, name: name)] = range }
            let kept = objective.constraints.filter { !skipping($0) }
            for (index, c) in kept.enumerated() {
                map.ranges[.constraint(variant: variant, index: index)] = c.range
                for (name, range) in c.expr.exposureLabels { map.ranges[.exposureName(variant: variant, constraint: index, name: name)] = range }
            }
            if let extraRange { map.ranges[.constraint(variant: variant, index: kept.count)] = extraRange }
            return result
        }
        guard let sweep = draft.sweeps.first else {
            return problem(&self, scope: scope, variant: 0).map { [StrategyPlan.Variant(label: "", model: model ?? standard, problem: $0)] }
        }
        if sweep.name.name == "model" {
            if let modelExpr = draft.model {
                diagnostics.append(Diagnostic("a `model` statement and `model in […]` together: the sweep already names the models",
                                              at: modelExpr.range, hint: "keep only `model in [ols, regime(states: 2)]`"))
                return nil
            }
            guard let models = models(sweep.values, in: sweep.file, crsp: crsp), let base = problem(&self, scope: scope, variant: 0) else { return nil }
            for index in models.indices.dropFirst() { _ = problem(&self, scope: scope, variant: index) }
            return models.map { StrategyPlan.Variant(label: $0.label, model: $0.model, problem: base) }
        }
        let name = sweep.name.name
        guard attempt(at: sweep.name.range, { lowering in try lowering.checkSweepable(sweep.name, objective) }) != nil else { return nil }
        let numbers: [Double]
        do {
            guard let value = try scope.value(of: sweep.values) else {
                incomplete = true
                return problem(&self, scope: scope, variant: 0).map { [StrategyPlan.Variant(label: "", model: model ?? standard, problem: $0)] }
            }
            switch value {
            case .number(let x): numbers = [x]
            case .matrix(let m) where m.storage.isEmpty:
                throw Diagnostic("the sweep of `\(name)` lists no values", at: sweep.values.range,
                                 hint: "list at least one, e.g. `\(name) in [1, 5]`")
            case .matrix(let m) where m.isVector: numbers = m.storage
            default: throw Diagnostic("a sweep runs over numbers: a list or a range", at: sweep.values.range)
            }
        } catch {
            report(error, at: sweep.values.range)
            return nil
        }
        let style = sweep.values.literalStyle
        let bounded = Vocabulary.quantity(name)?.plausible != nil
        if bounded, let smallest = numbers.min(), let largest = numbers.max() {
            _ = attempt(at: sweep.values.range) { _ in
                try ObjectiveLowering.checkPlausible(smallest, of: name, style: style, at: sweep.values.range, swept: true)
                try ObjectiveLowering.checkPlausible(largest, of: name, style: style, at: sweep.values.range, swept: true)
            }
        }
        // Each value's results are told apart by its label (the `result` column of every CSV, `backtest[…]`):
        // a value listed twice would give two results of one label.
        var seen: Set<String> = []
        for x in numbers where !seen.insert(style.format(x)).inserted {
            diagnostics.append(Diagnostic("the sweep lists `\(name) = \(style.format(x))` twice: each value runs one backtest, and its results are named by the value",
                                          at: sweep.values.range, hint: "list each value once"))
            return nil
        }
        var variants: [StrategyPlan.Variant] = []
        for (index, x) in numbers.enumerated() {
            let label = "\(name) = \(style.format(x))"
            let lowered: PortfolioProblem?
            if bounded {
                // Sweeping a strategy quantity (`tev in …`) bounds it, replacing the program's own bound.
                let kind: PortfolioConstraint.Kind = name == "tev" ? .trackingErrorAtMost(limit: x) : name == "risk" ? .riskAtMost(limit: x) : .turnoverAtMost(limit: x)
                let bound = PortfolioConstraint(kind, text: "\(name) <= \(style.format(x))")
                lowered = problem(&self, scope: scope, variant: index, skipping: { c in
                    if case .binary(.lessEqual, let l, _, _, _) = c.expr.kind { return l.kind == .name(name) }
                    return false
                }, extra: [bound], extraRange: sweep.values.range)
            } else {
                lowered = problem(&self, scope: scope.binding(name, to: .number(x)), variant: index)
            }
            guard let lowered else { return nil }
            variants.append(StrategyPlan.Variant(label: label, model: model ?? standard, problem: lowered))
        }
        return variants
    }

    /// A swept name must change something: a bound of the strategy, or a parameter the objective or a
    /// constraint reads. The names the strategy sets at each rebalance (`w`, `b`, `mu`, `f`) would hide
    /// the swept values, so they cannot be swept.
    private func checkSweepable(_ name: Identifier, _ objective: StrategyDraft.Objective) throws {
        let hint = "sweep a bound (`tev in 2% to 8% by 1%`) or a parameter the objective uses (`gamma in [1, 5]`)"
        if Vocabulary.quantity(name.name)?.plausible != nil { return }
        if Vocabulary.quantity(name.name) != nil {
            throw Diagnostic("`\(name.name)` is set by the strategy at each rebalance, so it cannot be swept", at: name.range, hint: hint)
        }
        let read = objective.objective.mentions(name.name) || objective.constraints.contains { $0.expr.mentions(name.name) }
        if !read {
            throw Diagnostic("neither the objective nor a constraint uses `\(name.name)`, so sweeping it changes nothing",
                             at: name.range, hint: hint)
        }
    }

    /// `model in [regime(states: 2), ols]`: each model with the label of its results (its name, or the
    /// whole form when two share a name).
    private mutating func models(_ values: Expr, in file: SourceFile, crsp: Bool = false) -> [(label: String, model: FactorModelPlan)]? {
        guard case .matrix(let rows) = values.kind, !rows.joined().isEmpty else {
            diagnostics.append(Diagnostic("`model in` runs over a list of models", at: values.range,
                                          hint: "e.g. `model in [regime(states: 2), ols]`"))
            return nil
        }
        let forms = Array(rows.joined())
        let models = forms.map { model($0, crsp: crsp) }
        guard models.allSatisfy({ $0 != nil }) else { return nil }
        let names = forms.map { form -> String in
            switch form.kind {
            case .call(let name, _): return name.name
            case .name(let name): return name
            default: return ""
            }
        }
        let labelled = zip(forms, zip(names, models)).map { form, pair in
            let label = names.filter { $0 == pair.0 }.count == 1 ? pair.0 : Formatter.format(form, in: file)
            return (label: label, model: pair.1!, range: form.range)
        }
        // Each model's results are named by its label: a model listed twice would give two results of one name.
        var seen: Set<String> = []
        for entry in labelled where !seen.insert(entry.label).inserted {
            diagnostics.append(Diagnostic("`model in` lists `\(entry.label)` twice: each model runs one backtest, and its results are named by the model",
                                          at: entry.range, hint: "list each model once"))
            return nil
        }
        return labelled.map { ($0.label, $0.model) }
    }

    // MARK: Statements

    /// A universe as lowered: its source, where its data (file or database) is named, where each option is
    /// written, whether it brings its own factors, and the folder default factors are looked for in first (a
    /// CRSP extract's).
    struct LoweredUniverse {
        var source: UniverseSource
        var dataRange: SourceRange
        var optionRanges: [String: SourceRange] = [:]
        var hasFactors = false
        var folder: String?
    }

    private mutating func universe(_ e: Expr) -> LoweredUniverse? {
        if case .string(let written) = e.kind {
            return attempt(at: e.range) { lowering in
                LoweredUniverse(source: .returns(path: try lowering.path(written, at: e.range), caps: nil, sectors: nil), dataRange: e.range)
            }
        }
        guard let values = form(e, Vocabulary.universe.forms, keyword: "universe") else { return nil }
        switch values.form.name {
        case "crsp": return crsp(values, e)
        case "returns": return returns(values, e)
        case "kenfrench":
            guard let (written, range) = values.string("") else { return nil }
            return attempt(at: range) { lowering in
                LoweredUniverse(source: .kenFrenchIndustries(path: try lowering.path(written, at: range)), dataRange: range)
            }
        default: // synthetic
            guard let stocks: Int = values.whole("stocks"), let seed: UInt64 = values.whole("seed"),
                  let from = values.month("from"), let to = values.month("to") else { incomplete = true; return nil }
            guard from < to else {
                diagnostics.append(Diagnostic("the synthetic market must run forward in time: \(from) is not before \(to)", at: values.range("from")))
                return nil
            }
            return LoweredUniverse(source: .synthetic(stocks: stocks, seed: seed, from: from, to: to), dataRange: e.range, hasFactors: true)
        }
    }

    /// `crsp`, `crsp("extract.csv", …)` or `crsp(database: "…", …)`: the options checked against each other,
    /// the extract found (crsp.csv, else the one CSV file with the CRSP columns, said in a note) and the
    /// connection string parsed, its password kept out of the plan.
    private mutating func crsp(_ values: FormValues, _ e: Expr) -> LoweredUniverse? {
        let errorsBefore = diagnostics.count
        for label in ["from", "to", "sectors", "shares", "tables", "frequency", "database", ""] where values.unknown.contains(label) {
            incomplete = true
            return nil
        }
        let from = values.month("from"), to = values.month("to")
        if let from, let to, from > to {
            diagnostics.append(Diagnostic("the months kept are empty: `from: \(from)` is after `to: \(to)`", at: values.range("to")))
        }
        let options = CRSPOptions(sectors: values.word("sectors").flatMap(SectorScheme.init(rawValue:)) ?? .sicDivisions,
                                  commonSharesOnly: values.word("shares") != "all", from: from, to: to)
        let written = values.string("")
        var database: String?
        switch values.value("database") {
        case .word("environment")?: database = ""
        case .string(let text)?: database = text
        default: break
        }
        guard let database else {
            for label in ["tables", "frequency"] where values.given.contains(where: { $0.label == label }) {
                diagnostics.append(Diagnostic("`\(label):` chooses a database's tables; a CSV extract is read as it is (daily or monthly)",
                                              at: values.range(label), hint: "remove it, or read WRDS's tables with `crsp(database: \"…\")`"))
            }
            guard diagnostics.count == errorsBefore else { return nil }
            return crspExtract(written, options: options, e)
        }
        if let (_, range) = written {
            diagnostics.append(Diagnostic("`crsp` reads a file or a database, not both", at: range, hint: "keep the file name or `database:`"))
        }
        let tables = values.word("tables").flatMap(CRSPTables.init(rawValue:))
        let daily = values.word("frequency") == "daily"
        if daily, tables == .ciz {
            diagnostics.append(Diagnostic("daily CIZ data (crsp.dsf_v2) is not read yet", at: values.range("frequency"),
                                          hint: "`tables: legacy` reads the daily legacy file crsp.dsf"))
        }
        let connection: String
        do {
            let parts = try CRSPDatabase.connectionWithoutPassword(database)
            connection = parts.connection
            if let password = parts.password { passwords[connection] = password }
        } catch let error as DatabaseError {
            diagnostics.append(Diagnostic(error.message, at: values.range("database"), hint: error.hint))
            return nil
        } catch {
            diagnostics.append(Diagnostic(String(describing: error), at: values.range("database")))
            return nil
        }
        guard diagnostics.count == errorsBefore else { return nil }
        return LoweredUniverse(source: .crspDatabase(connection: connection, tables: tables, daily: daily, options: options),
                               dataRange: values.range("database"))
    }

    /// A CRSP extract: the file named, or the one found in the program's folder or the data directory.
    private mutating func crspExtract(_ written: (String, SourceRange)?, options: CRSPOptions, _ e: Expr) -> LoweredUniverse? {
        if let (name, range) = written {
            return attempt(at: range) { lowering in
                let path = try lowering.path(name, at: range)
                return LoweredUniverse(source: .crsp(path: path, options: options), dataRange: range,
                                       folder: (path as NSString).deletingLastPathComponent)
            }
        }
        guard let locations else { return LoweredUniverse(source: .crsp(path: "crsp.csv", options: options), dataRange: e.range) }
        do {
            let path = try DataDiscovery.crspExtract(in: locations.folders)
            if (path as NSString).lastPathComponent != "crsp.csv" {
                notes.append("universe crsp: reading \(path) (the one CSV file here with the CRSP columns)")
            }
            return LoweredUniverse(source: .crsp(path: path, options: options), dataRange: e.range, folder: (path as NSString).deletingLastPathComponent)
        } catch {
            diagnostics.append(Diagnostic.data(error, at: e.range))
            return nil
        }
    }

    /// `returns("returns.csv", caps: "caps.csv", sectors: "sectors.csv")`: the files resolved.
    private mutating func returns(_ values: FormValues, _ e: Expr) -> LoweredUniverse? {
        if values.unknown.contains("") { incomplete = true; return nil }
        guard let (written, range) = values.string("") else {
            diagnostics.append(Diagnostic("`returns` takes the returns file first", at: e.range,
                                          hint: "e.g. `returns(\"returns.csv\", caps: \"caps.csv\", sectors: \"sectors.csv\")`"))
            return nil
        }
        let errorsBefore = diagnostics.count
        let path = attempt(at: range) { lowering in try lowering.path(written, at: range) }
        var companions: [String: String] = [:]
        var optionRanges: [String: SourceRange] = [:]
        for label in ["caps", "sectors"] {
            guard let (name, at) = values.string(label) else { continue }
            optionRanges[label] = at
            companions[label] = attempt(at: at) { lowering in try lowering.path(name, at: at) }
        }
        guard diagnostics.count == errorsBefore, let path else { return nil }
        return LoweredUniverse(source: .returns(path: path, caps: companions["caps"], sectors: companions["sectors"]),
                               dataRange: range, optionRanges: optionRanges)
    }

    /// The factor file named by `factors "…"`.
    private mutating func factorsPath(_ e: Expr) -> String? {
        guard case .string(let written) = e.kind else {
            diagnostics.append(Diagnostic("`factors` takes a file name, e.g. `factors \"ff6_monthly.csv\"`", at: e.range))
            return nil
        }
        return attempt(at: e.range) { lowering in try lowering.path(written, at: e.range) }
    }

    private mutating func benchmark(_ e: Expr) -> (rule: BenchmarkRule, dataRange: SourceRange)? {
        guard let values = form(e, Vocabulary.benchmark.forms, keyword: "benchmark") else { return nil }
        switch values.form.name {
        case "equal": return (.equal, e.range)
        case "none": return (.none, e.range)
        case "read":
            guard let (written, range) = values.string("") else { return nil }
            return attempt(at: range) { lowering in (.file(path: try lowering.path(written, at: range)), range) }
        default: return (.marketCap, e.range)
        }
    }

    /// `ols(…)` or `regime(…)` with its window and `min:`; `crsp`: the universe is CRSP single names, whose
    /// windows allow missing months by default (`min: 36`, or every month of a rolling window of 36 or fewer).
    private mutating func model(_ e: Expr, crsp: Bool = false) -> FactorModelPlan? {
        guard let values = form(e, Vocabulary.model.forms, keyword: "model") else { return nil }
        var window = FactorModelPlan.Window.expanding(from: values.month("from"))
        switch values.value("window") {
        case .rolling(let months)?: window = .rolling(months: months)
        case nil: incomplete = true
        default: break
        }
        var minimum: Int?
        if let written: Int = values.whole("min") {
            minimum = written
            if case .rolling(let length) = window, written > length {
                diagnostics.append(Diagnostic("`min: \(written)` asks for more months than the rolling window has (\(length))", at: values.range("min"),
                                              hint: "at most `min: \(length)`, or a longer window"))
                return nil
            }
        } else if values.unknown.contains("min") {
            incomplete = true
        } else if crsp, let standard = FactorModelPlan.crspStandard.minimumObservations {
            if case .rolling(let length) = window, length <= standard { minimum = nil } else { minimum = standard }
        }
        guard values.form.name == "regime" else { return FactorModelPlan(kind: .ols, window: window, minimumObservations: minimum) }
        guard let states: Int = values.whole("states"), let horizon: Int = values.whole("horizon") else { incomplete = true; return nil }
        return FactorModelPlan(kind: .regime(states: states, covariance: values.word("covariance") == "full" ? .full : .diag,
                                             horizon: horizon), window: window, minimumObservations: minimum)
    }

    private mutating func allocation(_ key: Identifier) -> StrategySpecification.Allocation? {
        form(Expr(.name(key.name), key.range), Vocabulary.allocate.forms, keyword: "allocation key").map { _ in .sectors }
    }

    private mutating func schedule(_ frequency: Identifier, _ window: Expr?) -> StrategyPlan.Schedule? {
        guard let values = form(Expr(.name(frequency.name), frequency.range), Vocabulary.rebalance.forms, keyword: "rebalancing frequency"),
              let frequency = StrategyPlan.Schedule.Frequency(rawValue: values.form.name) else { return nil }
        guard let window else { return StrategyPlan.Schedule(frequency: frequency) }
        return attempt(at: window.range) { _ in
            let (from, to) = try FormReader.monthRange(window)
            return StrategyPlan.Schedule(frequency: frequency, from: from, to: to)
        }
    }

    private mutating func costs(_ e: Expr) -> Double? {
        attempt(at: e.range) { lowering in
            guard let value = try lowering.scope.value(of: e) else { lowering.incomplete = true; return nil }
            guard case .number(let c) = value, c >= 0, c < 1 else {
                throw Diagnostic("costs are a proportion of turnover, like `10bps`", at: e.range)
            }
            return c
        }
    }

    private mutating func crisis(_ name: Expr, _ window: Expr) -> StrategyPlan.Crisis? {
        guard case .string(let title) = name.kind else {
            diagnostics.append(Diagnostic("a crisis needs a name in quotes", at: name.range, hint: "e.g. `crisis \"GFC\" 2007-10 to 2009-03`"))
            return nil
        }
        return attempt(at: window.range) { _ in
            let (from, to) = try FormReader.monthRange(window)
            return StrategyPlan.Crisis(name: title, from: from, to: to)
        }
    }

    /// The month of `at M`; nil when it is not known yet (it reads a name) or not a month.
    mutating func month(_ e: Expr) -> Month? {
        attempt(at: e.range) { lowering in
            guard let value = try lowering.scope.value(of: e) else { return nil }
            guard case .month(let month) = value else { throw Diagnostic("`at` takes a month, e.g. `at 2008-09`", at: e.range) }
            return month
        }
    }

    // MARK: Experiments

    /// `experiment regime_study(…)`: the study's settings, each φ checked, the paper design's factor file
    /// resolved (and required to exist when the program runs; it is read when the study runs), and where
    /// its parts are written.
    mutating func experiment(_ e: Expr) -> (settings: RegimeStudy.Settings, map: PlanSourceMap)? {
        guard let values = form(e, Vocabulary.experiment.forms, keyword: "experiment") else { return nil }
        guard let trials: Int = values.whole("trials"), let stocks: Int = values.whole("stocks"), let seed: UInt64 = values.whole("seed"),
              let history: Int = values.whole("history"), case .numbers(let phis)? = values.value("phi") else {
            incomplete = true
            return nil
        }
        if let problem = RegimeStudy.phiProblem(phis) {
            diagnostics.append(Diagnostic(problem.message, at: Self.entryRange(values.range("phi"), in: e, problem.index, of: phis.count),
                                          hint: "`phi:` takes risk aversions \(RegimeObjectives.reliablePhisText), each once, as `regime_utility` does"))
            return nil
        }
        var map = PlanSourceMap(fallback: e.range)
        map.ranges[.experiment] = e.range
        map.ranges[.experimentDesign] = values.range("design")
        var design = RegimeStudy.Design.consistent
        if values.word("design") == "paper" {
            guard let file = studyFactorFile(at: values.range("design")) else { return nil }
            design = .paper(factorFile: file)
        }
        return (RegimeStudy.Settings(trials: trials, stocks: stocks, phis: phis, seed: seed, historyMonths: history,
                                     design: design), map)
    }

    /// The paper design's factor file (`ff6_monthly.csv`): resolved and required to exist when the program
    /// runs, as written before.
    private mutating func studyFactorFile(at range: SourceRange) -> String? {
        let file = HistoricalFactorMoments.studyFile
        guard let locations else { return file }
        let path = locations.resolve(file)
        guard FileManager.default.fileExists(atPath: path) else {
            let sample = RegimeCalibration.studySample
            diagnostics.append(Diagnostic(
                "`design: paper` takes the baseline's factor moments from \(file) (the study's six factors, \(sample.lowerBound)..\(sample.upperBound)), and there is none in \(locations.places.joined(separator: " or "))",
                at: range, hint: "give --data DIR (or set TILT_DATA) for the folder holding \(file); `design: consistent` needs no data"))
            return nil
        }
        return path
    }

    /// Where the `index`-th of `count` entries of the list literal written at `range` in `e` is, so that
    /// an error about one φ points at it; the whole list when it is not written entry by entry.
    private static func entryRange(_ range: SourceRange, in e: Expr, _ index: Int, of count: Int) -> SourceRange {
        guard case .call(_, let arguments) = e.kind, let list = arguments.first(where: { $0.value.range == range })?.value,
              case .matrix(let rows) = list.kind else { return range }
        let entries = rows.flatMap { $0 }
        return entries.count == count ? entries[index].range : range
    }

    // MARK: Parametric policies

    private mutating func policyPlan(_ draft: StrategyDraft, _ statement: (policy: Expr, utility: Expr?, range: SourceRange),
                                     _ universeExpr: Expr, _ rebalance: (frequency: Identifier, window: Expr?, range: SourceRange),
                                     _ map: inout PlanSourceMap) -> PolicyPlan? {
        for (unused, word) in [(draft.model, "model"), (draft.factors, "factors")] {
            if let unused {
                diagnostics.append(Diagnostic("a parametric policy does not use a `\(word)` statement", at: unused.range,
                                              hint: "the policy's weights come from its characteristics; remove the statement"))
                return nil
            }
        }
        if draft.allocation != nil {
            diagnostics.append(Diagnostic("a parametric policy allocates to assets, not sectors", at: statement.range))
            return nil
        }
        if let sweep = draft.sweeps.first {
            diagnostics.append(Diagnostic("sweeps are not available for parametric policies yet", at: sweep.name.range))
            return nil
        }
        let errorsBefore = diagnostics.count
        guard let options = policyValues(statement.policy, utility: statement.utility) else { return nil }
        guard case .call(let name, let arguments) = universeExpr.kind, name.name == "kenfrench", arguments.count == 1 else {
            diagnostics.append(Diagnostic("a parametric policy runs on Ken French's industry portfolios", at: universeExpr.range,
                                          hint: "`universe kenfrench(\"48_Industry_Portfolios.CSV\")`: size and value come from its sections"))
            return nil
        }
        guard let universe = universe(universeExpr), case .kenFrenchIndustries(let industries) = universe.source else { return nil }
        map.ranges[.universeData] = universe.dataRange
        map.ranges[.policy] = statement.policy.range
        map.ranges[.policyFit] = options.fitRange
        for (index, range) in options.characteristicRanges.enumerated() { map.ranges[.characteristic(index)] = range }
        var benchmark = PolicyPlan.Benchmark.marketCap
        switch draft.benchmark?.kind {
        case nil, .name("mktcap")?: break
        case .name("equal")?: benchmark = .equal
        default:
            diagnostics.append(Diagnostic("a parametric policy's benchmark is `mktcap` or `equal`", at: draft.benchmark?.range ?? statement.range))
            return nil
        }
        guard rebalance.frequency.name == "monthly" else {
            diagnostics.append(Diagnostic("a parametric policy is re-estimated and rebalanced monthly", at: rebalance.frequency.range,
                                          hint: "`rebalance monthly from 1973-12 to 2024-11`"))
            return nil
        }
        var window: (Month, Month)?
        if let e = rebalance.window { window = attempt(at: e.range) { _ in try FormReader.monthRange(e) } }
        map.ranges[.rebalance] = rebalance.range
        map.ranges[.rebalanceWindow] = rebalance.window?.range ?? rebalance.range
        let cost = draft.costs.flatMap { costs($0) } ?? 0
        let crises = draft.crises.compactMap { crisis($0.name, $0.window) }
        guard diagnostics.count == errorsBefore else { return nil }
        return PolicyPlan(industries: industries, characteristics: options.characteristics, benchmark: benchmark,
                          fitFrom: options.fit.0, fitTo: options.fit.1, window: options.window, longOnly: options.longOnly,
                          riskAversion: options.riskAversion, from: window?.0, to: window?.1, costPerTurnover: cost, crises: crises)
    }

    /// The options of `policy parametric(…) utility …`, with the vocabulary's defaults.
    private mutating func policyValues(_ e: Expr, utility: Expr?)
        -> (characteristics: [PolicyPlan.Characteristic], characteristicRanges: [SourceRange], fit: (Month, Month), fitRange: SourceRange,
            window: FactorModelPlan.Window, longOnly: Bool, riskAversion: Double)? {
        guard let values = form(e, Vocabulary.policy.forms, keyword: "policy") else { return nil }
        var characteristics: [PolicyPlan.Characteristic] = [], ranges: [SourceRange] = []
        for (value, range) in values.positional {
            switch value {
            case .word("size"): characteristics.append(.size)
            case .word("value"): characteristics.append(.value)
            case .word("momentum"): characteristics.append(.momentum)
            case .string(let written):
                guard let path = attempt(at: range, { lowering in try lowering.path(written, at: range) }) else { continue }
                let stem = ((written as NSString).lastPathComponent as NSString).deletingPathExtension
                characteristics.append(.file(path: path, name: stem))
            default: continue
            }
            ranges.append(range)
        }
        guard !characteristics.isEmpty || !values.unknown.isEmpty else {
            diagnostics.append(Diagnostic("a parametric policy needs at least one characteristic", at: e.range,
                                          hint: "e.g. `parametric(size, value, momentum)`"))
            return nil
        }
        guard case .monthRange(let fitFrom, let fitTo)? = values.value("fit") else { return nil }
        var window = FactorModelPlan.Window.rolling(months: 120)
        switch values.value("window") {
        case .rolling(let months)?: window = .rolling(months: months)
        // An expanding window starts with the in-sample fit's first decision month.
        case .word("expanding")?: window = .expanding(from: fitFrom + 1)
        default: break
        }
        var riskAversion = 5.0
        if let utility, let utilityValues = form(utility, Vocabulary.policy.secondary?.forms ?? [], keyword: "utility") {
            if utilityValues.form.name == "log" {
                riskAversion = 1
            } else if let gamma = utilityValues.number("") {
                riskAversion = gamma
            }
        } else if utility != nil {
            return nil
        }
        let fitRange = values.given.contains { $0.label == "fit" } ? values.range("fit") : e.range
        return (characteristics, ranges, (fitFrom, fitTo), fitRange, window, values.word("longonly") == "true", riskAversion)
    }

    // MARK: Data paths

    /// A data file named in the program: resolved and required to exist when the program runs; as written
    /// before.
    private func path(_ written: String, at range: SourceRange) throws -> String {
        guard let locations else { return written }
        return try locations.existingFile(written, at: range)
    }
}

extension Expr {
    /// The labels `f[hml]` and `f["hml"]` look up in the exposures, with where each is written.
    var exposureLabels: [(name: String, range: SourceRange)] {
        var found: [(String, SourceRange)] = []
        func visit(_ e: Expr) {
            switch e.kind {
            case .number, .month, .date, .string, .name: break
            case .unary(_, let x), .transpose(let x), .absoluteValue(let x), .apply(_, let x): visit(x)
            case .binary(_, let l, let r, _, _): visit(l); visit(r)
            case .call(_, let arguments): arguments.forEach { visit($0.value) }
            case .index(let base, let items):
                if base.kind == .name("f"), items.count == 1, case .single(let item) = items[0] {
                    switch item.kind {
                    case .name(let n): found.append((n, item.range))
                    case .string(let s): found.append((s, item.range))
                    default: break
                    }
                }
                visit(base)
                for item in items {
                    switch item {
                    case .all: break
                    case .single(let x): visit(x)
                    case .slice(let a, let b): visit(a); visit(b)
                    }
                }
            case .matrix(let rows): rows.joined().forEach(visit)
            case .range(let lo, let hi, let step): visit(lo); visit(hi); step.map(visit)
            }
        }
        visit(self)
        return found
    }
}

extension FormValues {
    /// A string option's value and where it was written.
    func string(_ label: String) -> (String, SourceRange)? {
        guard case .string(let s)? = value(label) else { return nil }
        return (s, range(label))
    }
}

extension NumberStyle {
    /// A swept value as its results are labelled, in the style it was written (`tev = 6%`).
    func format(_ x: Double) -> String {
        switch self {
        case .plain: return formatNumber(x)
        case .percent: return formatNumber((x * 100 * 1e9).rounded() / 1e9) + "%"
        case .basisPoints: return formatNumber((x * 10_000 * 1e9).rounded() / 1e9) + "bps"
        }
    }
}
