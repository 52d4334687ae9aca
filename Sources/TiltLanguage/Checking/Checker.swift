import TiltLinearAlgebra
import TiltSyntax

/// Static checks of names that need no data and no solving (`tilt check`): every name is defined before
/// use, every function exists and gets the right number of arguments. All problems are collected, not just
/// the first. (Strategy statements' forms, options and values are checked by lowering them: `PlanLowering`.)
public struct Checker {
    private var defined: Set<String>
    /// Labels of constraints in `solve` statements seen so far (for `dual(label)`).
    private var constraintLabels: Set<String> = []
    /// Whether an objective and a regime model have been stated so far (`at M` then binds `optimum`,
    /// `hmm`).
    private var objectiveStated = false, regimeModelStated = false
    private var diagnostics: [Diagnostic] = []
    /// Names visible only inside a strategy objective and its constraints.
    private static let strategyNames = Set(Vocabulary.strategyNames)
    /// Functions a strategy objective and its constraints may call beyond the built-ins.
    private static let strategyFunctions = Vocabulary.strategyFunctions.map(\.name)

    /// Checks a program. `predefined` are names already bound (the REPL's earlier entries).
    public static func check(_ program: Program, predefined: Set<String> = []) -> [Diagnostic] {
        var checker = Checker(defined: predefined)
        for stmt in program.statements { checker.check(stmt) }
        return checker.diagnostics
    }

    private init(defined: Set<String>) { self.defined = defined }

    /// The hint for a bound value written as a call (`mu'F(w - b)` calls `F`, `x(1)` calls `x`): a bracket
    /// right after a name calls it, so an index takes `[…]` and a product `*` or a space.
    static func calledValueHint(_ name: String) -> String {
        "`\(name)` is a value, not a function: index it with `\(name)[…]`; to multiply, write `\(name) * (…)` (after a transpose, a space: `mu'\(name) (w - b)`)"
    }

    private mutating func report(_ message: String, _ range: SourceRange, hint: String? = nil) {
        diagnostics.append(Diagnostic(message, at: range, hint: hint))
    }

    private mutating func check(_ stmt: Stmt) {
        switch stmt.kind {
        case .letBinding(let name, let value):
            check(value, context: .plain)
            defined.insert(name.name)
        case .variable(let name, let dims, let bound):
            dims.forEach { check($0, context: .plain) }
            if let bound { check(bound.value, context: .plain) }
            defined.insert(name.name)
        case .solve(_, let objective, let constraints, let options):
            // The options' labels and values are read by the lowering (`FormReader.solverSettings`).
            options.forEach { check($0.value, context: .plain) }
            check(objective, context: .plain)
            constraints.forEach { check($0.expr, context: .plain) }
            checkLabelsAreDistinct(constraints)
            constraintLabels.formUnion(constraints.compactMap { $0.label?.name })
            defined.formUnion(["status", "optval"])
        case .objective(_, let objective, let constraints):
            objectiveStated = true
            check(objective, context: .strategy)
            constraints.forEach { check($0.expr, context: .strategy) }
            checkLabelsAreDistinct(constraints)
        case .universe(let e): checkOptions(e, Vocabulary.universe.forms)
        case .benchmark(let e): checkOptions(e, Vocabulary.benchmark.forms)
        case .model(let e):
            if case .call(let name, _) = e.kind, name.name == "regime" { regimeModelStated = true }
            checkOptions(e, Vocabulary.model.forms)
        case .at(let e):
            check(e, context: .plain)
            for name in Vocabulary.monthNames.map(\.name) {
                if name == "optimum" && !objectiveStated || name == "hmm" && !regimeModelStated { continue }
                defined.insert(name)
            }
        case .policy(let p, let utility):
            checkOptions(p, Vocabulary.policy.forms)
            if let utility { checkOptions(utility, Vocabulary.policy.secondary?.forms ?? []) }
        case .experiment(let e): checkOptions(e, Vocabulary.experiment.forms)
        case .costs(let e):
            check(e, context: .plain)
        case .factors, .allocate, .rebalance, .crisis:
            break
        case .sweep(let name, let values) where name.name == "model":
            // `model in [regime(states: 2), ols]`: each value is a model form.
            if case .matrix(let rows) = values.kind {
                for model in rows.joined() { checkOptions(model, Vocabulary.model.forms) }
                // `at M` looks through the first model.
                if case .call(let name, _)? = rows.first?.first?.kind, name.name == "regime" { regimeModelStated = true }
            }
        case .sweep(let name, let values):
            check(values, context: .plain)
            defined.insert(name.name)
        case .print(let e), .expression(let e):
            check(e, context: .plain)
        }
    }

    private enum Context { case plain, strategy }

    /// `dual(label)` must name one constraint: a label used twice in one problem is an error at the second.
    private mutating func checkLabelsAreDistinct(_ constraints: [Constraint]) {
        var seen: Set<String> = []
        for label in constraints.compactMap(\.label) where !seen.insert(label.name).inserted {
            report("two constraints are labelled `\(label.name)`", label.range, hint: "rename one: `dual(\(label.name))` names a single constraint")
        }
    }

    /// The names inside a strategy statement's options (`synthetic(stocks: n)`): an option's own words
    /// (`expanding`, `rolling 120`, `diag`, `size`) are not names. The form and its options are checked by
    /// the lowering.
    private mutating func checkOptions(_ e: Expr, _ forms: [VocabularyForm]) {
        guard case .call(let name, let arguments) = e.kind, let form = forms.first(where: { $0.name == name.name }) else { return }
        for argument in arguments {
            // An option the form does not have is reported by the lowering, with its value.
            guard let option = form.option(argument.label?.name ?? "") else { continue }
            let words = option.value.words
            switch argument.value.kind {
            case .name(let n) where words.contains(n) || !defined.contains(n) && !words.isEmpty: continue
            case .apply(_, let value): check(value, context: .plain)
            case .binary(.subtract, let word, _, _, _) where word.kind == .name("rolling"): continue
            default: check(argument.value, context: .plain)
            }
        }
    }

    /// The hint for a name `at M` binds (`F`, `Sigma_f`) written in a strategy's objective or constraints,
    /// where only the strategy's names exist: that it is a month's, and the strategy's word for it. Nil for
    /// any other name.
    private static func monthNameInStrategy(_ n: String) -> String? {
        guard let month = Vocabulary.monthNames.first(where: { $0.name == n }) else { return nil }
        if let word = month.inStrategy { return "`\(n)` is a month's value, bound by `at M`; in a strategy write \(word)" }
        return "`\(n)` is a month's value, bound by `at M` (\(month.summary)); a strategy's objective and constraints name "
            + Vocabulary.strategyNames.map { "`\($0)`" }.joined(separator: ", ")
    }

    private mutating func check(_ e: Expr, context: Context) {
        switch e.kind {
        case .number, .month, .date, .string: break
        case .name(let n):
            if defined.contains(n) || (context == .strategy && Checker.strategyNames.contains(n)) { break }
            if Builtins.named(n) != nil {
                report("`\(n)` is a function", e.range, hint: "call it: `\(n)(…)`")
                break
            }
            var candidates = Array(defined) + Builtins.names
            if context == .strategy { candidates += Checker.strategyNames }
            let hint: String?
            if context == .strategy, let month = Checker.monthNameInStrategy(n) {
                hint = month
            } else if context == .strategy, Parser.subjectToWords.contains(n.lowercased()) {
                // `maximize mu'f st tev <= 6%` reads `st` as a factor of the product `mu'f st tev`.
                hint = "did you mean `s.t.`? The constraints follow `s.t.`: `maximize mu'f s.t. tev <= 6%`"
            } else if let close = closestName(to: n, among: candidates) {
                hint = "did you mean `\(close)`?"
            } else if context == .plain, Checker.strategyNames.contains(n) {
                hint = "`\(n)` is defined inside a strategy objective (`maximize …`/`minimize …`) and its constraints"
                    + (Vocabulary.monthNames.contains { $0.name == n } ? ", and by `at M` for a month" : "")
            } else if n == Vocabulary.result.name {
                hint = "`\(n)` is a strategy's result once it ran: a strategy runs when the entry that completes it ends (a program's, at its end), so read it in a later entry"
            } else if let month = Vocabulary.monthNames.first(where: { $0.name == n }) {
                hint = "`\(n)` is bound by `at M` (\(month.summary))"
            } else {
                hint = nil
            }
            report("unknown name `\(n)`", e.range, hint: hint)
        case .unary(_, let x), .transpose(let x), .absoluteValue(let x):
            check(x, context: context)
        case .binary(_, let l, let r, _, _):
            check(l, context: context)
            check(r, context: context)
        case .range(let lo, let hi, let step):
            check(lo, context: context)
            check(hi, context: context)
            if let step { check(step, context: context) }
            // A month range's step written as a number is checked here, before anything runs.
            if case .month = lo.kind, case .month = hi.kind, let step, let x = step.literalNumber,
               Int(whole: x, in: Interpreter.monthSteps) == nil {
                report(Interpreter.monthStepMessage, step.range)
            }
        case .matrix(let rows):
            rows.forEach { $0.forEach { check($0, context: context) } }
        case .index(let base, let items):
            check(base, context: context)
            for item in items {
                switch item {
                case .all: break
                case .single(let x):
                    if case .name(let n) = x.kind, !defined.contains(n),
                       !(context == .strategy && Checker.strategyNames.contains(n)) { break } // a label
                    check(x, context: context)
                case .slice(let a, let b):
                    check(a, context: context)
                    check(b, context: context)
                }
            }
        case .call(let name, let arguments) where name.name == "dual":
            guard arguments.count == 1, case .name(let label) = arguments[0].value.kind else {
                report("`dual` takes the label of a constraint, e.g. dual(budget)", e.range)
                break
            }
            if !constraintLabels.contains(label) && !defined.contains("optval") {
                report("no constraint is labelled `\(label)`", arguments[0].value.range,
                       hint: closestName(to: label, among: constraintLabels).map { "did you mean `\($0)`?" }
                           ?? "label a constraint in a solve statement: `\(label): sum(w) == 1`")
            }
        case .call(let name, let arguments):
            arguments.forEach { check($0.value, context: context) }
            if context == .strategy, Checker.strategyFunctions.contains(name.name) { break }
            guard let builtin = Builtins.named(name.name) else {
                var candidates = Builtins.names
                if context == .strategy { candidates += Checker.strategyFunctions }
                // `mu'F(w - b)` reads `F(…)` as a call.
                report("unknown function `\(name.name)`", name.range,
                       hint: (context == .strategy ? Checker.monthNameInStrategy(name.name) : nil)
                           ?? (defined.contains(name.name) ? Checker.calledValueHint(name.name) : nil)
                           ?? closestName(to: name.name, among: candidates).map { "did you mean `\($0)`?" })
                break
            }
            if !builtin.arity.contains(arguments.count) {
                report("`\(name.name)` takes \(Builtins.describe(builtin.arity)), found \(arguments.count)", e.range,
                       hint: "usage: \(builtin.signature)")
            }
            if let (label, message) = builtin.misplacedLabel(arguments) {
                report(message, label.range, hint: "usage: \(builtin.signature)")
            }
        case .apply(let name, _):
            report("`\(name.name) …` is only meaningful as an option of a strategy statement", e.range)
        }
    }
}

private extension Expr {
    /// The value of a number written as a literal (`3`, `-2`, `1e300`, `6%`), or nil.
    var literalNumber: Double? {
        switch kind {
        case .number(let x, _): return x
        case .unary(let op, let x): return x.literalNumber.map { op == .negate ? -$0 : $0 }
        default: return nil
        }
    }
}
