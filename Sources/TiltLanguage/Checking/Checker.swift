import TiltLinearAlgebra
import TiltSyntax

/// Static checks that need no data and no solving (`tilt check`): every name is defined before use,
/// every function exists and gets the right number of arguments, strategy statements use words their
/// statement understands. All problems are collected, not just the first.
public struct Checker {
    private var defined: Set<String>
    /// Labels of constraints in `solve` statements seen so far (for `dual(label)`).
    private var constraintLabels: Set<String> = []
    private var diagnostics: [Diagnostic] = []
    /// Names visible only inside a strategy objective and its constraints.
    private static let strategyNames = Set(StrategyVocabulary.objectiveNames.map(\.0))

    /// Checks a program. `predefined` are names already bound (the REPL's earlier entries).
    public static func check(_ program: Program, predefined: Set<String> = []) -> [Diagnostic] {
        var checker = Checker(defined: predefined)
        for stmt in program.statements { checker.check(stmt) }
        return checker.diagnostics
    }

    private init(defined: Set<String>) { self.defined = defined }

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
        case .solve(_, let objective, let constraints):
            check(objective, context: .plain)
            constraints.forEach { check($0.expr, context: .plain) }
            checkLabelsAreDistinct(constraints)
            constraintLabels.formUnion(constraints.compactMap { $0.label?.name })
            defined.formUnion(["status", "optval"])
        case .objective(_, let objective, let constraints):
            check(objective, context: .strategy)
            constraints.forEach { check($0.expr, context: .strategy) }
            checkLabelsAreDistinct(constraints)
        case .universe(let e): checkForm(e, StrategyVocabulary.universe)
        case .benchmark(let e): checkForm(e, StrategyVocabulary.benchmark)
        case .model(let e): checkForm(e, StrategyVocabulary.model)
        case .factors(let e):
            if case .string = e.kind { break }
            if case .call(let name, _) = e.kind, name.name == "read" { check(e, context: .plain); break }
            report("`factors` takes a file name, e.g. `factors \"ff6_monthly.csv\"`", e.range)
        case .policy(let p, let utility):
            checkForm(p, StrategyVocabulary.policy)
            if let utility { checkForm(utility, StrategyVocabulary.utility) }
        case .allocate(let key):
            checkWord(key, among: StrategyVocabulary.allocationKeys, what: "allocation key")
        case .rebalance(let frequency, let window):
            checkWord(frequency, among: StrategyVocabulary.rebalanceFrequencies, what: "rebalancing frequency")
            if let window { checkMonthRange(window) }
        case .costs(let e):
            check(e, context: .plain)
        case .experiment(let e):
            checkForm(e, StrategyVocabulary.experiment)
        case .crisis(let name, let window):
            if case .string = name.kind {} else { report("a crisis needs a name in quotes", name.range, hint: "e.g. `crisis \"GFC\" 2007-10 to 2009-03`") }
            checkMonthRange(window)
        case .sweep(let name, let values) where name.name == "model":
            // `model in [regime(states: 2), ols]`: each value is a model form.
            if case .matrix(let rows) = values.kind {
                for model in rows.joined() { checkForm(model, StrategyVocabulary.model) }
            } else {
                report("`model in` runs over a list of models", values.range, hint: "e.g. `model in [regime(states: 2), ols]`")
            }
        case .sweep(let name, let values):
            check(values, context: .plain)
            defined.insert(name.name)
        case .print(let e), .expression(let e):
            check(e, context: .plain)
        }
    }

    private enum Context { case plain, strategy }

    private mutating func checkWord(_ word: Identifier, among words: [String], what: String) {
        guard !words.contains(word.name) else { return }
        report("unknown \(what) `\(word.name)`", word.range,
               hint: closestName(to: word.name, among: words).map { "did you mean `\($0)`?" }
                   ?? "expected one of: \(words.joined(separator: ", "))")
    }

    private mutating func checkMonthRange(_ e: Expr) {
        guard case .range(let lo, let hi, _) = e.kind, case .month = lo.kind, case .month = hi.kind else {
            report("expected a month range like `1993-12 to 2024-11`", e.range)
            return
        }
    }

    /// `dual(label)` must name one constraint: a label used twice in one problem is an error at the second.
    private mutating func checkLabelsAreDistinct(_ constraints: [Constraint]) {
        var seen: Set<String> = []
        for label in constraints.compactMap(\.label) where !seen.insert(label.name).inserted {
            report("two constraints are labelled `\(label.name)`", label.range, hint: "rename one: `dual(\(label.name))` names a single constraint")
        }
    }

    /// A strategy statement's argument: one of the vocabulary's words or calls, with known labels.
    private mutating func checkForm(_ e: Expr, _ vocabulary: StrategyVocabulary) {
        let (name, arguments): (Identifier, [CallArgument]?)
        switch e.kind {
        case .name(let n): (name, arguments) = (Identifier(n, range: e.range), nil)
        case .call(let n, let args): (name, arguments) = (n, args)
        case .string where vocabulary.statement == "universe" || vocabulary.statement == "benchmark":
            return
        default:
            report("`\(vocabulary.statement)` expects one of: \(vocabulary.words.joined(separator: ", "))", e.range)
            return
        }
        guard let form = vocabulary.form(name.name) else {
            report("unknown \(vocabulary.statement) `\(name.name)`", name.range,
                   hint: closestName(to: name.name, among: vocabulary.words).map { "did you mean `\($0)`?" }
                       ?? "expected one of: \(vocabulary.words.joined(separator: ", "))")
            return
        }
        guard let labels = form.labels else {
            if arguments != nil { report("`\(name.name)` takes no arguments", e.range, hint: "write `\(vocabulary.statement) \(name.name)`") }
            return
        }
        var given: Set<String> = []
        for argument in arguments ?? [] {
            let label = argument.label?.name ?? ""
            if let named = argument.label, !given.insert(label).inserted {
                report("`\(name.name)` is given `\(label):` twice", named.range, hint: "keep one of them")
                continue
            }
            guard labels.contains(label) else {
                let named = labels.filter { !$0.isEmpty }
                report(argument.label == nil ? "`\(name.name)` needs labelled arguments (\(named.map { "`\($0):`" }.joined(separator: ", ")))"
                                             : "`\(name.name)` has no option `\(label)`",
                       argument.label?.range ?? argument.value.range,
                       hint: closestName(to: label, among: named).map { "did you mean `\($0)`?" }
                           ?? (named.isEmpty ? nil : "options: \(named.joined(separator: ", "))"))
                continue
            }
            checkOption(argument.value, words: form.optionWords[label] ?? [])
        }
    }

    /// An option value: a known word (`expanding`, `rolling 120`, `diag`, `size`) or a plain expression.
    private mutating func checkOption(_ e: Expr, words: [String]) {
        switch e.kind {
        case .name(let n) where !defined.contains(n):
            if words.contains(n) { return }
            report("unknown option value `\(n)`", e.range,
                   hint: closestName(to: n, among: words).map { "did you mean `\($0)`?" }
                       ?? (words.isEmpty ? nil : "expected one of: \(words.joined(separator: ", "))"))
        case .apply(let name, let value):
            if !words.contains(name.name) {
                report("unknown option value `\(name.name)`", name.range,
                       hint: words.isEmpty ? nil : "expected one of: \(words.joined(separator: ", "))")
            }
            check(value, context: .plain)
        case .binary(.subtract, let word, _, _, _) where word.kind == .name("rolling") && words.contains("rolling"):
            // `rolling -5` reads as `rolling − 5`.
            report("a rolling window is a whole number of months from 2 to 1200, e.g. `rolling 120`", e.range)
        default:
            check(e, context: .plain)
        }
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
            if let close = closestName(to: n, among: candidates) {
                hint = "did you mean `\(close)`?"
            } else if context == .plain, Checker.strategyNames.contains(n) {
                hint = "`\(n)` is defined inside a strategy objective (`maximize …`/`minimize …`) and its constraints"
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
            if context == .strategy, StrategyVocabulary.objectiveFunctions.contains(name.name) { break }
            guard let builtin = Builtins.named(name.name) else {
                var candidates = Builtins.names
                if context == .strategy { candidates += StrategyVocabulary.objectiveFunctions }
                report("unknown function `\(name.name)`", name.range,
                       hint: closestName(to: name.name, among: candidates).map { "did you mean `\($0)`?" })
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
