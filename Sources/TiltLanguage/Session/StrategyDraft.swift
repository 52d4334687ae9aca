import TiltSyntax

/// The strategy statements of a program (or of REPL entries), gathered until the strategy is complete:
/// a universe, an objective or a policy, and a rebalancing schedule. A program describes one strategy.
/// Each statement keeps the file it was written in, for the text of messages and labels.
struct StrategyDraft {
    typealias Objective = (sense: ObjectiveSense, objective: Expr, constraints: [Constraint], range: SourceRange, file: SourceFile)

    var universe: Expr?
    var factors: Expr?
    var benchmark: Expr?
    var model: Expr?
    var objective: Objective?
    /// `policy parametric(…) utility crra(5)`: a parametric portfolio policy replaces the objective.
    var policy: (policy: Expr, utility: Expr?, range: SourceRange)?
    /// `allocate by sector` (its key, checked when lowered).
    var allocation: Identifier?
    var rebalance: (frequency: Identifier, window: Expr?, range: SourceRange)?
    var costs: Expr?
    var crises: [(name: Expr, window: Expr)] = []
    var sweeps: [(name: Identifier, values: Expr, file: SourceFile)] = []
    /// Where the strategy begins in the source (for errors about the whole strategy).
    var firstRange: SourceRange?

    var isEmpty: Bool { firstRange == nil }
    var isComplete: Bool { universe != nil && (objective != nil || policy != nil) && rebalance != nil }

    /// Adds a statement written in `file`. A statement given twice is an error at the second one, unless
    /// `replacing` (the REPL), where it replaces the first: an objective or a policy replaces either, a sweep
    /// the sweep.
    mutating func add(_ stmt: Stmt, in file: SourceFile, replacing: Bool = false) throws(Diagnostic) {
        if firstRange == nil { firstRange = stmt.range }
        func once<T>(_ slot: inout T?, _ value: T, _ word: String) throws(Diagnostic) {
            if slot != nil && !replacing {
                throw Diagnostic("a second `\(word)` statement: a program describes one strategy", at: stmt.range,
                                 hint: "to compare settings, sweep a parameter: `tev in 2% to 8% by 1%`")
            }
            slot = value
        }
        switch stmt.kind {
        case .universe(let e): try once(&universe, e, "universe")
        case .factors(let e): try once(&factors, e, "factors")
        case .benchmark(let e): try once(&benchmark, e, "benchmark")
        case .model(let e): try once(&model, e, "model")
        case .costs(let e): try once(&costs, e, "costs")
        case .objective(let sense, let e, let constraints):
            if replacing { policy = nil }
            if objective != nil && !replacing {
                throw Diagnostic("a second objective: a program describes one strategy", at: stmt.range)
            }
            if policy != nil { throw Self.objectiveAndPolicy(at: stmt.range) }
            objective = (sense, e, constraints, stmt.range, file)
        case .allocate(let key): allocation = key
        case .rebalance(let frequency, let window):
            if rebalance != nil && !replacing { throw Diagnostic("a second `rebalance` statement", at: stmt.range) }
            rebalance = (frequency, window, stmt.range)
        case .crisis(let name, let window): crises.append((name, window))
        case .sweep(let name, let values):
            if replacing { sweeps = [] }
            sweeps.append((name, values, file))
        case .policy(let e, let utility):
            if replacing { objective = nil }
            if policy != nil && !replacing { throw Diagnostic("a second `policy` statement: a program describes one strategy", at: stmt.range) }
            if objective != nil { throw Self.objectiveAndPolicy(at: stmt.range) }
            policy = (e, utility, stmt.range)
        default: break
        }
    }

    /// Whether a statement belongs to a strategy (rather than to the matrix layer or an experiment).
    static func isStrategyStatement(_ stmt: Stmt) -> Bool {
        switch stmt.kind {
        case .objective, .universe, .factors, .benchmark, .model, .policy, .allocate, .rebalance, .costs, .crisis, .sweep: return true
        case .letBinding, .variable, .solve, .experiment, .print, .expression: return false
        }
    }

    /// The statement that is missing for the strategy to run, for the error message.
    var missingPart: String? {
        if universe == nil { return "a `universe` statement (e.g. `universe synthetic(stocks: 500, seed: 42)`)" }
        if objective == nil && policy == nil {
            return "an objective (e.g. `maximize mu'f s.t. tev <= 6%`) or a policy (e.g. `policy parametric(size, value, momentum)`)"
        }
        if rebalance == nil { return "a `rebalance` statement (e.g. `rebalance monthly`)" }
        return nil
    }

    /// The names a later entry may use before they are bound: the parameters swept so far.
    var sweptNames: Set<String> { Set(sweeps.map(\.name.name)) }

    /// A strategy either optimises an objective at each rebalance or follows a parametric policy.
    private static func objectiveAndPolicy(at range: SourceRange) -> Diagnostic {
        Diagnostic("a strategy has either an objective or a policy, not both", at: range,
                   hint: "a parametric policy chooses its weights itself: remove the `maximize …`/`minimize …` statement or the `policy` statement")
    }
}
