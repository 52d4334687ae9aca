import Foundation
import TiltBacktest
import TiltData
import TiltModeling
import TiltReport
import TiltSyntax

/// The front door of the language for the CLI, the REPL and notebooks: parses, checks and runs a file or
/// one entry, keeping the interpreter's bindings and the strategy gathered so far across entries.
///
/// A run is: check (parse, names, and the strategy lowered with only literals known: `tilt check` reports
/// the same) → the matrix layer's statements in order (`Interpreter`) → experiments run where they stand →
/// at the end, a complete strategy lowered into a `Plan` with the program's constants, then executed (data
/// loaded, backtests run). Problems come back as diagnostics located in the input.
///
/// In a `.program` (a file) the strategy must be complete and is stated once. In an `.interactive` session
/// (the REPL, a notebook) an incomplete strategy waits for its missing parts, and one that ran stays: a
/// later statement replaces its part (`maximize …` again) and runs it again, as re-running a notebook cell;
/// a strategy statement that makes the strategy fail is not kept.
public final class Session {
    public enum Mode: Sendable { case program, interactive }

    public let mode: Mode
    /// The matrix and optimisation layer: its bindings are the session's names.
    public let interpreter: Interpreter
    /// Where printed values and tables go.
    public var output: (String) -> Void {
        didSet { interpreter.output = output }
    }
    /// Where data files are looked up.
    public var locations: DataLocations {
        get { interpreter.locations }
        set { interpreter.locations = newValue }
    }

    /// Asked about each data file before the session reads it (its path as resolved): why it must not be
    /// read, or nil (`tilt run --out D` refuses a file the report would replace). It is asked before an
    /// entry runs, about the files its strategy, policy and experiments name (`refusedInputs`), so that a
    /// clash stops it before any work; again when a plan runs, about the plan's files (a path the program
    /// computes, or a plan read from JSON); and by `read("…")` when it reads.
    public var checkInput: ((String) -> String?)? {
        get { interpreter.checkInput }
        set { interpreter.checkInput = newValue }
    }

    /// Called with (done, total) while backtests or a study run, for a progress bar.
    public var progress: (@Sendable (Int, Int) -> Void)?
    /// Called with what is loading (`crsp`, `crsp query`) and (done, total) — bytes of an extract, rows of a
    /// query — while a large universe is read, for a progress bar.
    public var loadingProgress: LoadingProgress?
    /// Called with each note: a choice Tilt made that the program did not state (which files were read and
    /// what they hold, a factor file without rf). By default written to standard error as `note: …`, beside
    /// errors and the progress bar, so that standard output holds only results.
    public var notes: (String) -> Void = { text in
        try? FileHandle.standardError.write(contentsOf: Data("note: \(text)\n".utf8))
    }
    /// Called with the results of each strategy run, to present or save them.
    public var strategyResults: (([BacktestResult]) throws -> Void)?
    /// Called with a parametric policy's estimates (θ, standard errors, in-sample statistics) before its
    /// out-of-sample backtest goes to `strategyResults`.
    public var policyResults: ((PolicyReport) throws -> Void)?
    /// Called with each regime study's result, after its table, to save it.
    public var studyResults: ((RegimeStudyResult) throws -> Void)?
    /// When set, a complete strategy and each experiment are lowered but not run: their plans go here
    /// (`tilt run FILE --plan-json`).
    public var planned: ((Plan) throws -> Void)?
    /// Called when a run was stopped by `cancellation` (to clear a progress bar).
    public var interrupted: (() -> Void)?

    /// Stops a running backtest, sweep, policy or study (the REPL's Ctrl-C, a notebook's interrupt): call
    /// `cancellation.cancel()` from any thread. Each entry starts with it reset.
    public let cancellation = Cancellation()
    /// Whether the last entry was stopped by `cancellation`; the session is then as it was before it.
    public private(set) var lastRunInterrupted = false

    /// The data files the session has read — those `read("…")` read and those of each plan it ran — as
    /// resolved paths in the order first read (a report's provenance lists them).
    public var dataFilesRead: [String] {
        var files = interpreter.dataFilesRead
        for file in planFiles where !files.contains(file) { files.append(file) }
        return files
    }
    /// The data files of the plans run so far.
    private var planFiles: [String] = []
    /// Passwords the session's programs wrote in database connection strings, by the string without them:
    /// kept in memory for its plans to connect with, never written into a plan.
    private(set) var databasePasswords: DatabasePasswords = [:]

    /// The strategy statements gathered so far.
    var draft = StrategyDraft()
    /// The last strategy run of an interactive session (its data, results, holdings), for `at M`.
    var lastRun: StrategyRun?
    /// The data the last month view loaded, kept for the next `at` of the same data.
    var viewData: (plan: StrategyPlan, loaded: LoadedStrategy)?
    /// Whether an entry changed the interactive session's strategy since it last ran.
    private var strategyChanged = false
    /// Whether the interactive session's strategy, as it stands, has run successfully.
    private var strategyRan = false

    public init(mode: Mode = .program, locations: DataLocations = DataLocations(),
                output: @escaping (String) -> Void = { print($0, terminator: "") }) {
        self.mode = mode
        self.output = output
        interpreter = Interpreter(locations: locations, output: output)
    }

    /// Forgets every name and the strategy (`:reset`).
    public func reset() {
        interpreter.reset()
        draft = StrategyDraft()
        lastRun = nil
        viewData = nil
        strategyChanged = false
        strategyRan = false
    }

    /// Names an entry may use: those bound so far and the parameters swept by the strategy gathered so far
    /// (`gamma in [1, 5]` in one entry, `maximize mu'f - gamma * risk` in the next).
    private var definedNames: Set<String> { Set(interpreter.bindings.keys).union(draft.sweptNames) }

    // MARK: Checking

    /// Parses and checks a program without loading data or solving (`tilt check`): syntax, names, and every
    /// strategy statement lowered as far as it can be without the program's values or data — forms, options
    /// and their ranges, sweeps, units, sector names, a file's strategy being complete. `predefined` are
    /// names already bound (earlier entries); `mode` as the session's.
    public static func check(_ file: SourceFile, predefined: Set<String> = [], mode: Mode = .program) -> (program: Program, diagnostics: [Diagnostic]) {
        let (program, syntaxErrors) = Parser.parse(file)
        // A statement that did not parse is left out; checking the rest still finds independent errors,
        // but names it would have bound must not be reported as unknown, so check only when parsing was clean.
        guard syntaxErrors.isEmpty else { return (program, syntaxErrors) }
        var diagnostics = Checker.check(program, predefined: predefined)
        let nameErrors = diagnostics
        /// A statement with a name error is not lowered too (its error would be reported twice).
        func clean(_ stmt: Stmt) -> Bool {
            !nameErrors.contains { $0.range.start >= stmt.range.start && $0.range.start < max(stmt.range.end, stmt.range.start + 1) }
        }
        var lowering = PlanLowering(scope: LiteralScope(program: program, predefined: predefined), locations: nil)
        let strategy = program.statements.filter(StrategyDraft.isStrategyStatement)
        var draft = StrategyDraft()
        if mode == .program {
            for stmt in strategy {
                do { try draft.add(stmt, in: file) } catch { diagnostics.append(error) }
            }
        }
        if mode == .program, draft.isComplete, strategy.allSatisfy(clean), diagnostics.count == nameErrors.count {
            _ = lowering.plan(draft)
        } else {
            for stmt in strategy where clean(stmt) { lowering.check(stmt, in: file) }
            // A program that looks at months (`at M`) may state a strategy's data without running it.
            if mode == .program, !draft.isEmpty, !draft.isComplete, !program.statements.contains(where: \.isMonthView) {
                _ = lowering.plan(draft) // says what is missing
            }
        }
        for stmt in program.statements where clean(stmt) {
            switch stmt.kind {
            case .experiment, .at, .solve: lowering.check(stmt, in: file)
            default: break
            }
        }
        if mode == .program, let first = program.statements.first(where: \.isMonthView),
           !program.statements.prefix(while: { !$0.isMonthView }).contains(where: { if case .universe = $0.kind { return true }; return false }) {
            diagnostics.append(Diagnostic("`at` looks at a month of the strategy's data, and no `universe` statement comes before it", at: first.range,
                                          hint: "state the data first, e.g. `universe kenfrench(\"48_Industry_Portfolios.CSV\")`"))
        }
        diagnostics += lowering.diagnostics
        // In the order they are written (names and strategy words of one statement interleave).
        let ordered = diagnostics.enumerated().sorted { ($0.element.range.start, $0.offset) < ($1.element.range.start, $1.offset) }
        return (program, ordered.map(\.element))
    }

    // MARK: Running

    /// Parses, checks and runs a program or one entry (`tilt run`, `:load`, a REPL entry). Returns the
    /// diagnostics; empty means success.
    ///
    /// An entry stopped by `cancellation` returns one diagnostic saying so and sets `lastRunInterrupted`:
    /// its strategy statements are not kept and nothing of the stopped run is; what its earlier statements
    /// bound stays, as in a notebook.
    @discardableResult
    public func run(_ file: SourceFile) -> [Diagnostic] {
        cancellation.reset()
        lastRunInterrupted = false
        let (program, diagnostics) = Session.check(file, predefined: definedNames, mode: mode)
        guard diagnostics.isEmpty else { return diagnostics }
        let refused = refusedInputs(program, in: file)
        guard refused.isEmpty else { return refused }
        // The interactive strategy as it was before this entry: restored when the entry makes the strategy
        // fail — its own statement is at fault, or the strategy ran before it — so that a rejected statement
        // is not kept (and its error not repeated by every later entry).
        let before = (draft, strategyChanged, strategyRan)
        do {
            for stmt in program.statements {
                if StrategyDraft.isStrategyStatement(stmt) {
                    try draft.add(stmt, in: file, replacing: mode == .interactive)
                    strategyChanged = true
                } else if case .experiment(let e) = stmt.kind {
                    try runExperiment(e, in: file)
                } else if case .at(let e) = stmt.kind {
                    try look(at: e, statement: stmt, in: file)
                } else {
                    try interpreter.execute(stmt, in: file)
                }
            }
            try finishStrategy(lookedAtMonths: program.statements.contains(where: \.isMonthView), entry: file)
            return []
        } catch is Cancelled {
            (draft, strategyChanged, strategyRan) = before
            lastRunInterrupted = true
            interrupted?()
            return [Diagnostic("interrupted: the run stopped before it finished, and nothing of it is kept",
                               at: program.statements.last?.range ?? .empty,
                               hint: "the session's names and strategy are as they were before this entry")]
        } catch let errors as DiagnosticList {
            if mode == .interactive, let first = errors.diagnostics.first, file.contains(first.range) || before.2 {
                (draft, strategyChanged, strategyRan) = before
            }
            return errors.diagnostics
        } catch {
            let d = error as? Diagnostic ?? Diagnostic(String(describing: error), at: draft.firstRange ?? .empty)
            if mode == .interactive, file.contains(d.range) || before.2 {
                (draft, strategyChanged, strategyRan) = before
            }
            return [d]
        }
    }

    /// Lowers and runs the gathered strategy when it is complete (or reports what is missing, for a file).
    private func finishStrategy(lookedAtMonths: Bool, entry file: SourceFile) throws {
        guard !draft.isEmpty else { return }
        // A program that looked at months may state a strategy's data, or more, without running it.
        if mode == .program, lookedAtMonths, !draft.isComplete {
            draft = StrategyDraft()
            return
        }
        let current = draft
        if mode == .interactive {
            // An interactive session runs a complete strategy after each entry that changed it, and keeps it.
            guard draft.isComplete, strategyChanged else {
                if strategyChanged { try checkIncompleteStrategy(current, entry: file) }
                return
            }
            strategyChanged = false
        } else {
            draft = StrategyDraft()
        }
        var lowering = PlanLowering(scope: BindingScope(interpreter: interpreter), locations: locations)
        guard let (plan, map) = lowering.plan(current) else {
            throw DiagnosticList(file: SourceFile(name: "", text: ""), diagnostics: lowering.diagnostics)
        }
        databasePasswords.merge(lowering.passwords) { $1 }
        lowering.notes.forEach(notes)
        do {
            try execute(plan)
        } catch let error as PlanError {
            throw map.diagnostic(error)
        } catch let d as Diagnostic {
            throw d
        } catch let stopped as Cancelled {
            throw stopped
        } catch {
            throw Diagnostic(String(describing: error), at: current.firstRange ?? .empty)
        }
        strategyRan = mode == .interactive
    }

    /// In the REPL, an objective entered before its strategy is complete is checked against what is known
    /// without data — the universe's sectors, the synthetic market's factor names — so that a misspelt
    /// `f[hlm]` or `sector("Finanse")` is reported at its own entry, not at the one that completes the
    /// strategy. Errors about earlier entries wait for the strategy to run.
    private func checkIncompleteStrategy(_ draft: StrategyDraft, entry file: SourceFile) throws {
        guard draft.universe != nil, let objective = draft.objective, draft.policy == nil else { return }
        var lowering = PlanLowering(scope: BindingScope(interpreter: interpreter), locations: nil)
        let lowered = lowering.viewPlan(draft, at: objective.range)
        var errors = lowering.diagnostics
        if let (plan, map) = lowered, let names = plan.factorNamesBeforeReading {
            do { try plan.checkExposureNames(factorNames: names) } catch { errors.append(map.diagnostic(error)) }
        }
        let own = errors.filter { file.contains($0.range) }
        if !own.isEmpty { throw DiagnosticList(file: file, diagnostics: own) }
    }

    /// The data files that `checkInput` refuses among those `program` (an entry written in `file`) names —
    /// its strategy's or policy's with the strategy gathered so far, and its experiments' — as errors where
    /// each is named. Data paths are written in these statements, so they are known before anything runs:
    /// the statements are lowered with only the program's literals (a value it computes is left out here;
    /// when it makes a part of the plan unknown, that part's files are asked about when the plan runs).
    private func refusedInputs(_ program: Program, in file: SourceFile) -> [Diagnostic] {
        guard let checkInput else { return [] }
        var draft = self.draft
        for stmt in program.statements where StrategyDraft.isStrategyStatement(stmt) {
            try? draft.add(stmt, in: file, replacing: mode == .interactive)
        }
        var lowering = PlanLowering(scope: LiteralScope(), locations: locations)
        var plans: [(Plan, PlanSourceMap)] = []
        if draft.isComplete, let lowered = lowering.plan(draft) { plans.append(lowered) }
        for stmt in program.statements {
            if case .experiment(let e) = stmt.kind, let (settings, map) = lowering.experiment(e) {
                plans.append((Plan(regimeStudy: settings), map))
            }
        }
        return plans.flatMap { plan, map in
            plan.dataSources.compactMap { source in checkInput(source.path).map { Diagnostic($0, at: map.range(source.part)) } }
        }
    }

    /// Runs a plan — lowered from a program, or read from JSON — presenting its results through
    /// `strategyResults`, `policyResults` and `output`; with `planned` set, hands it there instead.
    /// Throws `PlanError` when it cannot run (a data file `checkInput` refuses among them), and whatever a
    /// presenting callback throws.
    public func execute(_ plan: Plan) throws {
        if let planned { return try planned(plan) }
        for source in plan.dataSources {
            if let refusal = checkInput?(source.path) { throw PlanError(refusal, at: source.part) }
        }
        for file in plan.dataFiles where !planFiles.contains(file) && FileManager.default.fileExists(atPath: file) {
            planFiles.append(file)
        }
        let results: PlanResults
        if let strategy = plan.strategy {
            let loaded = try strategy.load(suggest: { closestName(to: $0, among: $1) }, passwords: databasePasswords, loading: loadingProgress)
            loaded.notes.forEach(notes)
            let holdings = HoldingsRecord()
            let record = mode == .interactive && strategy.variants.first?.problem.readsHeldWeights == true
            let observer: HoldingsObserver? = record ? { @Sendable month, held in holdings.record(month, held) } : nil
            let backtests = try loaded.run(progress: progress, cancellation: cancellation, holdings: observer)
            if mode == .interactive { lastRun = StrategyRun(plan: strategy, loaded: loaded, results: backtests, holdings: holdings) }
            results = .strategy(backtests)
        } else {
            results = try plan.run(progress: progress, cancellation: cancellation)
        }
        try present(results)
    }

    /// Presents a plan's results as a run does: through `policyResults` and `strategyResults`, a study's
    /// table and design through `output` and then `studyResults`; a backtest's result is bound to the
    /// session's result name (`backtest`). `tilt merge` presents a sharded run's merged results with it, so
    /// that they read as the run in one process.
    public func present(_ results: PlanResults) throws {
        switch results {
        case .strategy(let results):
            interpreter.bindings[Vocabulary.result.name] = .record(BacktestRecord.record(of: results))
            DataNotes.notes(results).forEach(notes)
            try strategyResults?(results)
        case .policy(let result, let report):
            interpreter.bindings[Vocabulary.result.name] = .record(BacktestRecord.record(of: [result]))
            DataNotes.notes([result]).forEach(notes)
            try policyResults?(report)
            try strategyResults?([result])
        case .regimeStudy(let result):
            output(Table.regimeStudy(result).text(width: 140))
            output(result.designSummary + "\n")
            try studyResults?(result)
        }
    }

    /// `experiment regime_study(…)`: lowered with the program's values and run now.
    private func runExperiment(_ e: Expr, in file: SourceFile) throws {
        var lowering = PlanLowering(scope: BindingScope(interpreter: interpreter), locations: locations)
        guard let (settings, map) = lowering.experiment(e) else {
            throw DiagnosticList(file: file, diagnostics: lowering.diagnostics)
        }
        do {
            try execute(Plan(regimeStudy: settings))
        } catch let error as PlanError {
            throw map.diagnostic(error)
        }
    }

    // MARK: Explaining

    /// `tilt explain`: runs the program's statements up to its last `solve` — printing nothing, solving
    /// nothing — and shows each `solve`'s curvature analysis and cone program size; then, when the program
    /// states a strategy, its problem at `month` (by default the schedule's last rebalance): sizes, each
    /// term's and constraint's curvature, the method that will solve it and why (`MonthExplanation`), as
    /// text or, with `json`, as JSON. A problem that does not compile is the error solving would report.
    @discardableResult
    public func explain(_ file: SourceFile, month: Month? = nil, json: Bool = false) -> [Diagnostic] {
        let (program, diagnostics) = Session.check(file, predefined: definedNames, mode: mode)
        guard diagnostics.isEmpty else { return diagnostics }
        let objective = program.statements.first { if case .objective = $0.kind { return true }; return false }
        if objective == nil, month != nil || json {
            return [Diagnostic("`--month` and `--json` explain a strategy's problem, and this program states none",
                               at: program.statements.first?.range ?? .empty, hint: "a strategy has an objective: `maximize mu'f s.t. tev <= 6%`")]
        }
        // Explaining needs the data each `solve` and the strategy use, not what is printed or computed afterwards.
        let lastSolve = program.statements.lastIndex { if case .solve = $0.kind { return true }; return false }
        let needed = objective != nil ? program.statements.count : lastSolve.map { $0 + 1 } ?? 0
        var strategy = StrategyDraft()
        do {
            for stmt in program.statements.prefix(needed) {
                switch stmt.kind {
                case .print, .expression, .experiment, .at: continue
                case .solve:
                    let (text, error) = try explainSolve(stmt, in: file)
                    if !json { output(text) }
                    if let error { throw error }
                default:
                    if StrategyDraft.isStrategyStatement(stmt) {
                        try strategy.add(stmt, in: file)
                        continue
                    }
                    try interpreter.execute(stmt, in: file)
                }
            }
            if objective != nil { try explainStrategy(strategy, month: month, json: json, in: file) }
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch {
            return [error as? Diagnostic ?? Diagnostic(String(describing: error), at: program.statements.first?.range ?? .empty)]
        }
        if objective == nil, lastSolve == nil {
            let policy = program.statements.contains { if case .policy = $0.kind { return true }; return false }
            output(policy ? "nothing to explain: a parametric policy solves no problem at a month (its θ is estimated over the fit window; `tilt run` reports it), and there is no `solve` here\n"
                          : "nothing to explain: explain covers `solve` statements and a strategy's problem, and there is neither here\n")
        }
        return []
    }

    /// A strategy's problem at `month` (default: its last rebalance), explained.
    private func explainStrategy(_ draft: StrategyDraft, month: Month?, json: Bool, in file: SourceFile) throws {
        var lowering = PlanLowering(scope: BindingScope(interpreter: interpreter), locations: locations)
        let objectiveRange = draft.objective?.range ?? draft.firstRange ?? .empty
        let lowered = draft.isComplete ? lowering.plan(draft).flatMap { plan, map in plan.strategy.map { ($0, map) } }
                                       : lowering.viewPlan(draft, at: objectiveRange)
        guard let (plan, map) = lowered else { throw DiagnosticList(file: file, diagnostics: lowering.diagnostics) }
        let loaded: LoadedStrategy
        do { loaded = try plan.load(suggest: { closestName(to: $0, among: $1) }, scheduled: month == nil) } catch { throw map.diagnostic(error) }
        let monthGiven = month != nil
        guard let month = month ?? loaded.specifications.first?.rebalanceMonths.last else {
            throw Diagnostic("which month? without a `rebalance` statement, say it: `tilt explain FILE --month 2008-09`", at: objectiveRange)
        }
        let view: RebalanceView
        do { view = try loaded.view(variant: 0, at: month) } catch {
            // A month from the command line has no place in the file: say where it came from.
            throw Diagnostic(monthGiven ? "`--month \(month)`: \(error.message)" : error.message, at: objectiveRange, hint: error.hint)
        }
        // The assets the window rule left out at this month, which the explanation's count of assets leaves unsaid.
        let exclusions = WindowExclusions(universeCount: loaded.data.panel.assetIDs.count,
                                          benchmarkFile: loaded.specifications.first?.benchmarkFile, rebalances: [view.windowExclusion])
        if let note = DataNotes.window(exclusions, rebalances: 1) { notes(note) }
        var explanation: MonthExplanation
        do {
            explanation = try MonthExplanation(plan.variants[0].problem, in: view, label: plan.variants[0].label,
                                               variants: plan.variants.count, allocation: plan.allocation)
            // A month from the command line need not be one the strategy rebalances at: say so.
            if monthGiven, draft.rebalance != nil, let note = loaded.offScheduleNote(month) { explanation.notes = [note] }
        } catch {
            throw map.diagnostic(PlanError(error.message, at: error.location.part(variant: 0), hint: error.hint, unknownName: error.unknownName))
        }
        output(json ? try explanation.json() : explanation.text)
        if let compileError = explanation.compileError { throw Diagnostic(compileError, at: objectiveRange) }
    }

    /// A `solve` statement's explanation and, when its problem does not compile, the error.
    private func explainSolve(_ stmt: Stmt, in file: SourceFile) throws -> (text: String, error: Error?) {
        let (problem, settings) = try interpreter.problem(ofSolve: stmt, in: file)
        let location = file.location(of: stmt.range.start)
        let (text, compileError) = Explainer.explain(problem)
        return ("solve at \(file.name):\(location.line):\(location.column)\n" + text + "solver: \(settings.optionSummary)\n",
                compileError.map { interpreter.located($0, in: stmt) })
    }

    // MARK: Asking

    /// The type and shape of an expression (`:type EXPR`), evaluated in the current bindings.
    public func typeDescription(of file: SourceFile) -> Result<String, DiagnosticList> {
        let (program, diagnostics) = Session.check(file, predefined: Set(interpreter.bindings.keys), mode: .interactive)
        guard diagnostics.isEmpty else { return .failure(DiagnosticList(file: file, diagnostics: diagnostics)) }
        guard program.statements.count == 1, case .expression(let e) = program.statements[0].kind else {
            let range = program.statements.first?.range ?? SourceRange.empty
            return .failure(DiagnosticList(file: file, diagnostics: [Diagnostic(":type takes one expression", at: range)]))
        }
        do {
            return .success(try interpreter.evaluate(e).typeDescription)
        } catch let d as Diagnostic {
            return .failure(DiagnosticList(file: file, diagnostics: [d]))
        } catch {
            return .failure(DiagnosticList(file: file, diagnostics: [Diagnostic(String(describing: error), at: e.range)]))
        }
    }

    /// Words an editor or the REPL completes: keywords, built-in functions, the vocabulary's words and the
    /// session's names.
    public var completionWords: [String] {
        Array(Set(Keyword.allCases.map(\.rawValue) + Builtins.names + Vocabulary.words + interpreter.bindings.keys)).sorted()
    }
}

extension Stmt {
    /// Whether this is `at M`.
    var isMonthView: Bool {
        if case .at = kind { return true }
        return false
    }
}
