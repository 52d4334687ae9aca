import Foundation
import TiltBacktest
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
    /// When set, a complete strategy and each experiment are lowered but not run: their plans go here
    /// (`tilt run FILE --plan-json`).
    public var planned: ((Plan) throws -> Void)?

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
    private var databasePasswords: DatabasePasswords = [:]

    /// The strategy statements gathered so far.
    private var draft = StrategyDraft()
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
        var lowering = PlanLowering(scope: LiteralScope(), locations: nil)
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
            if mode == .program, !draft.isEmpty, !draft.isComplete {
                _ = lowering.plan(draft) // says what is missing
            }
        }
        for stmt in program.statements where clean(stmt) {
            if case .experiment = stmt.kind { lowering.check(stmt, in: file) }
        }
        diagnostics += lowering.diagnostics
        // In the order they are written (names and strategy words of one statement interleave).
        let ordered = diagnostics.enumerated().sorted { ($0.element.range.start, $0.offset) < ($1.element.range.start, $1.offset) }
        return (program, ordered.map(\.element))
    }

    // MARK: Running

    /// Parses, checks and runs a program or one entry (`tilt run`, `:load`, a REPL entry). Returns the
    /// diagnostics; empty means success.
    @discardableResult
    public func run(_ file: SourceFile) -> [Diagnostic] {
        let (program, diagnostics) = Session.check(file, predefined: definedNames, mode: mode)
        guard diagnostics.isEmpty else { return diagnostics }
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
                } else {
                    try interpreter.execute(stmt, in: file)
                }
            }
            try finishStrategy()
            return []
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
    private func finishStrategy() throws {
        guard !draft.isEmpty else { return }
        let current = draft
        if mode == .interactive {
            // An interactive session runs a complete strategy after each entry that changed it, and keeps it.
            guard draft.isComplete, strategyChanged else { return }
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
        } catch {
            throw Diagnostic(String(describing: error), at: current.firstRange ?? .empty)
        }
        strategyRan = mode == .interactive
    }

    /// Runs a plan — lowered from a program, or read from JSON — presenting its results through
    /// `strategyResults`, `policyResults` and `output`; with `planned` set, hands it there instead.
    /// Throws `PlanError` when it cannot run, and whatever a presenting callback throws.
    public func execute(_ plan: Plan) throws {
        if let planned { return try planned(plan) }
        for file in plan.dataFiles where !planFiles.contains(file) && FileManager.default.fileExists(atPath: file) {
            planFiles.append(file)
        }
        if let strategy = plan.strategy {
            let loaded = try strategy.load(suggest: { closestName(to: $0, among: $1) }, passwords: databasePasswords, loading: loadingProgress)
            loaded.notes.forEach(notes)
            let results = try loaded.run(progress: progress)
            try strategyResults?(results)
        } else if let policy = plan.policy {
            let (result, report) = try policy.run()
            try policyResults?(report)
            try strategyResults?([result])
        } else if let settings = plan.regimeStudy {
            let result: RegimeStudyResult
            do { result = try RegimeStudy.run(settings, progress: progress) } catch let error as RegimeStudyError {
                throw PlanError(error.description, at: .experiment)
            } catch {
                throw PlanError(data: error, at: .experimentDesign)
            }
            output(Table.regimeStudy(result).text(width: 140))
            output(result.designSummary + "\n")
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
    /// nothing — and shows each `solve`'s curvature analysis and cone program size. A problem that does not
    /// compile is the error solving would report. A strategy's problem is built at each rebalance and is not
    /// explained here (said in a note).
    @discardableResult
    public func explain(_ file: SourceFile) -> [Diagnostic] {
        let (program, diagnostics) = Session.check(file, predefined: definedNames, mode: mode)
        guard diagnostics.isEmpty else { return diagnostics }
        // Explaining needs the data each `solve` uses, not what is printed or computed afterwards.
        let lastSolve = program.statements.lastIndex { if case .solve = $0.kind { return true }; return false }
        do {
            for stmt in program.statements.prefix(lastSolve.map { $0 + 1 } ?? 0) {
                switch stmt.kind {
                case .print, .expression, .experiment: continue
                case .solve:
                    let (text, error) = try explainSolve(stmt, in: file)
                    output(text)
                    if let error { throw error }
                default:
                    if StrategyDraft.isStrategyStatement(stmt) { continue }
                    try interpreter.execute(stmt, in: file)
                }
            }
        } catch {
            return [error as? Diagnostic ?? Diagnostic(String(describing: error), at: program.statements.first?.range ?? .empty)]
        }
        if let note = Session.unexplained(program) { output(note) }
        return []
    }

    /// A `solve` statement's explanation and, when its problem does not compile, the error.
    private func explainSolve(_ stmt: Stmt, in file: SourceFile) throws -> (text: String, error: Error?) {
        let problem = try interpreter.problem(ofSolve: stmt, in: file)
        let location = file.location(of: stmt.range.start)
        let (text, compileError) = Explainer.explain(problem)
        return ("solve at \(file.name):\(location.line):\(location.column)\n" + text, compileError.map { interpreter.located($0, in: stmt) })
    }

    /// What explaining leaves out of a program, said rather than passed over in silence: explaining covers
    /// `solve` statements, while a strategy's problem is built at each rebalance, from that month's data.
    static func unexplained(_ program: Program) -> String? {
        if program.statements.contains(where: { if case .objective = $0.kind { return true }; return false }) {
            return "the strategy's problem is not explained: it is built at each rebalance, from that month's data, "
                + "when the strategy runs; explain covers `solve` statements\n"
        }
        if !program.statements.contains(where: { if case .solve = $0.kind { return true }; return false }) {
            return "nothing to explain: explain covers `solve` statements, and there is none here\n"
        }
        return nil
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
