import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltSyntax

/// Evaluates the matrix and optimisation layer: `let`, `var`, `solve`, `print` and expressions, keeping
/// the bindings between statements (a REPL session evaluates one entry at a time in the same interpreter).
/// Strategies, experiments, explaining and the REPL's policy are the `Session`'s; data paths are resolved
/// by its `DataLocations`.
public final class Interpreter {
    /// Names bound by `let` (and variables declared by `var`).
    public internal(set) var bindings: [String: Value] = [:]
    /// Where printed values go.
    public var output: (String) -> Void
    /// When set, an expression statement's value goes here, with the expression as formatted, instead of to
    /// `output` as `text = value` (a notebook shows a matrix as a table).
    public var valueOutput: ((_ expression: String, _ value: Value) -> Void)?
    /// Where `read("x.csv")` looks for files.
    public var locations: DataLocations
    /// Asked about every file `read("…")` is about to read (its path as resolved): why it must not be read,
    /// or nil. `tilt run --out D` refuses a file the report would replace. The files a strategy, policy or
    /// experiment reads are checked before the program runs (`Session.dataSources(of:)`); a `read` path
    /// may be computed, so it is checked here, when it is known.
    public var checkInput: ((String) -> String?)?

    /// The most ranges a range expression may expand to, so that `1 to 1e12` is an error, not a hang.
    static let maximumRangeLength = 10_000_000
    /// The steps a month range may take (`1994-01 to 2000-12 by 3`), the same bound as month arithmetic
    /// (`m + k`): `by 1e300` is an error, not a trap.
    static let monthSteps = 1...999_999
    static let monthStepMessage = "a month range steps by a whole number of months from 1 to 999999"
    /// The most scalar entries one `var` may have (the message says 1,000,000): far beyond what the
    /// interior-point solver is for, and `var X[1e7, 1e7]` must be an error, not an out-of-memory abort.
    static let maximumVariableEntries = 1_000_000

    public init(locations: DataLocations = DataLocations(), output: @escaping (String) -> Void = { print($0, terminator: "") }) {
        self.locations = locations
        self.output = output
    }

    /// Forgets every binding (`:reset`).
    public func reset() {
        bindings = [:]
        solution = [:]
        variableBounds = [:]
        duals = [:]
    }

    /// A copy of this interpreter's state with `name` bound to `value` (a swept parameter's value, while a
    /// strategy is lowered for it).
    func binding(_ name: String, to value: Value) -> Interpreter {
        let copy = Interpreter(locations: locations, output: output)
        copy.checkInput = checkInput
        copy.bindings = bindings
        copy.bindings[name] = value
        copy.solution = solution
        copy.variableBounds = variableBounds
        copy.duals = duals
        copy.currentFile = currentFile
        return copy
    }

    /// The file being run (for the text of expressions in messages).
    var currentFile: SourceFile?
    /// Values of variables from the last solve that involved them.
    var solution: [Variable: Matrix] = [:]
    /// Bounds declared with `var w[n] >= 0`, added to every problem that uses the variable.
    var variableBounds: [Variable: OptimizationProblem.Constraint] = [:]
    /// Multipliers of labelled constraints from the last solve (`dual(budget)`).
    var duals: [String: Value] = [:]
    /// Set while a `solve` statement's objective and constraints are evaluated: variables stay symbolic.
    var buildingProblem = false
    /// The data files `read("…")` has read, as resolved paths in the order first read (a report's
    /// provenance lists them, with the plan's own data files).
    public private(set) var dataFilesRead: [String] = []

    /// Records that the file at `path` (a resolved path) is read, when it exists and is not yet listed.
    func noteDataFile(_ path: String) {
        if !dataFilesRead.contains(path), FileManager.default.fileExists(atPath: path) { dataFilesRead.append(path) }
    }

    /// Outside a problem, a variable (or an expression of variables) that has been solved for reads as
    /// its value.
    func numericIfSolved(_ v: Value) -> Value {
        guard !buildingProblem, case .expression(let e) = v, let m = e.value(at: solution) else { return v }
        return Value.normalized(m)
    }

    /// Runs a modelling step, turning its error into a diagnostic at `range`.
    func modeling(at range: SourceRange, _ body: () throws -> ModelExpression) throws -> ModelExpression {
        do { return try body() } catch let e as ModelingError {
            throw Diagnostic(e.message, at: range, hint: e.hint)
        }
    }

    /// Runs one statement of the matrix and optimisation layer written in `file` (a strategy's statements
    /// and experiments are the session's).
    func execute(_ stmt: Stmt, in file: SourceFile) throws(Diagnostic) {
        currentFile = file
        defer { currentFile = nil }
        do {
            switch stmt.kind {
            case .letBinding(let name, let value):
                bindings[name.name] = try evaluate(value)
            case .print(let e):
                output(try evaluate(e).printed() + "\n")
            case .expression(let e):
                let value = try evaluate(e)
                let text = Formatter.format(e, in: file)
                if let valueOutput {
                    valueOutput(text, value)
                    break
                }
                let shown = value.rendered()
                output(shown.contains("\n") ? "\(text) =\n\(shown)\n" : "\(text) = \(shown)\n")
            case .variable(let name, let dimensions, let bound):
                try declareVariable(name, dimensions: dimensions, bound: bound, file: file)
            case .solve(let sense, let objective, let constraints, let options):
                try solve(sense, objective, constraints, options: options, statement: stmt, file: file)
            case .objective, .universe, .factors, .benchmark, .model, .policy, .allocate, .rebalance, .costs,
                 .crisis, .sweep, .experiment, .at:
                throw Diagnostic("a strategy statement is run by the session, not the interpreter", at: stmt.range)
            }
        } catch let d as Diagnostic {
            throw d
        } catch {
            throw Diagnostic(String(describing: error), at: stmt.range)
        }
    }

    /// The value of an expression in the current bindings. Optimisation expressions built here carry the
    /// span and text they were written with, so that DCP errors can point at them.
    public func evaluate(_ e: Expr) throws -> Value {
        let value = try evaluateNode(e)
        if case .expression(let x) = value, x.origin == nil, let file = currentFile {
            return .expression(x.locatedAt(e.range.start..<e.range.end, text: Formatter.format(e, in: file)))
        }
        return value
    }

    private func evaluateNode(_ e: Expr) throws -> Value {
        switch e.kind {
        case .number(let x, _): return .number(x)
        case .month(let y, let m): return .month(Month(y, m))
        case .date(let y, let m, let d): return .date(year: y, month: m, day: d)
        case .string(let s): return .string(s)
        case .name(let n):
            guard let v = bindings[n] else { throw unknownName(n, at: e.range) }
            return numericIfSolved(v)
        case .unary(let op, let x):
            let v = try evaluate(x)
            return op == .negate ? try Arithmetic.negate(v, at: e.range) : v
        case .binary(let op, let l, let r, let opRange, let implicit):
            let a = try evaluate(l), b = try evaluate(r)
            let result = try Arithmetic.binary(op, a, b, at: implicit ? e.range : opRange)
            if let error = Arithmetic.nonFinite(result, op, a, b, at: implicit ? e.range : opRange) { throw error }
            return result
        case .transpose(let x):
            return try Arithmetic.transpose(try evaluate(x), at: e.range)
        case .absoluteValue(let x):
            let v = try evaluate(x)
            switch v {
            case .number(let n): return .number(abs(n))
            case .matrix(let m): return .matrix(m.map { abs($0) })
            case .expression(let x): return .expression(try modeling(at: e.range) { try .apply(.abs, [x]) })
            default: throw Diagnostic("cannot take the absolute value of \(v.kindName)", at: e.range)
            }
        case .call(let name, let arguments):
            return try call(name, arguments, at: e.range)
        case .index(let base, let items):
            let value = try evaluate(base)
            // A record's field is named by a bare name even when the name is bound: `optimum[w]`.
            if case .record(let record) = value, items.count == 1, case .single(let item) = items[0],
               case .name(let n) = item.kind, record.field(n) != nil {
                return try Indexing.select(value, [(.labels([n], item.range), item.range)], at: e.range)
            }
            let selectors = try items.map { try selector($0) }
            if case .expression(let x) = value {
                return .expression(try modeling(at: e.range) { try Indexing.select(x, selectors, at: e.range) })
            }
            // A month after the last of a value `at M` bound is the view's future; of any other value, past its end.
            var monthView = false
            if case .name(let n) = base.kind { monthView = Vocabulary.monthNames.contains { $0.name == n } }
            return try Indexing.select(value, selectors, at: e.range, monthView: monthView)
        case .matrix(let rows):
            return try matrixLiteral(rows, at: e.range)
        case .range(let lo, let hi, let step):
            return try rangeValue(lo, hi, step, at: e.range)
        case .apply(let name, _):
            throw Diagnostic("`\(name.name) …` is an option of a strategy statement, not a value", at: e.range)
        }
    }

    func unknownName(_ name: String, at range: SourceRange) -> Diagnostic {
        let candidates = Array(bindings.keys) + Builtins.names
        if Builtins.named(name) != nil {
            return Diagnostic("`\(name)` is a function", at: range, hint: "call it: `\(name)(…)`")
        }
        return Diagnostic("unknown name `\(name)`", at: range,
                          hint: closestName(to: name, among: candidates).map { "did you mean `\($0)`?" })
    }

    private func call(_ name: Identifier, _ arguments: [CallArgument], at range: SourceRange) throws -> Value {
        if name.name == "dual" { return try dual(arguments, at: range) }
        guard let builtin = Builtins.named(name.name) else {
            throw Diagnostic("unknown function `\(name.name)`", at: name.range,
                             hint: bindings[name.name] != nil ? Checker.calledValueHint(name.name)
                                 : closestName(to: name.name, among: Builtins.names).map { "did you mean `\($0)`?" })
        }
        guard builtin.arity.contains(arguments.count) else {
            throw Diagnostic("`\(name.name)` takes \(Builtins.describe(builtin.arity)), found \(arguments.count)",
                             at: range, hint: "usage: \(builtin.signature)")
        }
        if let (label, message) = builtin.misplacedLabel(arguments) {
            throw Diagnostic(message, at: label.range, hint: "usage: \(builtin.signature)")
        }
        let values = try arguments.map { try evaluate($0.value) }
        if values.contains(where: { if case .expression = $0 { return true }; return false }) {
            guard let modeling = builtin.modeling else {
                throw Diagnostic("`\(name.name)` cannot take an optimisation expression", at: range,
                                 hint: "it applies to numbers; the atoms are listed by :help")
            }
            let expressions = try values.enumerated().map { i, v -> ModelExpression in
                guard let x = ModelArithmetic.expression(v) else {
                    throw Diagnostic("expected a number, vector, matrix or expression, found \(v.kindName)", at: arguments[i].value.range)
                }
                return x
            }
            return .expression(try self.modeling(at: range) { try modeling(expressions) })
        }
        let args = CallArguments(values: values, labels: arguments.map { $0.label?.name },
                                 ranges: arguments.map(\.value.range), callRange: range,
                                 resolvePath: { try self.inputFile($0, at: $1) },
                                 dataPlaces: locations.places)
        let result = try builtin.implementation(args)
        // As for operators (`Arithmetic.nonFinite`): finite numbers in, Inf or NaN out is an error.
        if Arithmetic.turnedNonFinite(result, from: values), let numbers = result.numbers {
            throw Diagnostic(numbers.contains(where: \.isNaN) ? "`\(name.name)` is undefined for these arguments"
                                                               : "`\(name.name)` overflows: its result is beyond ±1.8e308", at: range)
        }
        return result
    }

    /// A data file the program is about to read (`read("…")`): `path` resolved by `locations`, passed to
    /// `checkInput`, whose refusal is an error at `range`, and recorded in `dataFilesRead`.
    func inputFile(_ path: String, at range: SourceRange) throws(Diagnostic) -> String {
        let resolved = locations.resolve(path)
        if let refusal = checkInput?(resolved) { throw Diagnostic(refusal, at: range) }
        noteDataFile(resolved)
        return resolved
    }

    private func selector(_ item: IndexItem) throws -> (Indexing.Selector, SourceRange) {
        switch item {
        case .all(let r): return (.all, r)
        case .slice(let a, let b):
            let lo = try position(a), hi = try position(b)
            guard lo <= hi else {
                throw Diagnostic("slice \(lo + 1):\(hi + 1) is empty", at: a.range.union(b.range), hint: "write the smaller position first")
            }
            return (.positions(Array(lo...hi)), a.range.union(b.range))
        case .single(let e):
            // A bare name that is not bound is a label: `F[hml]`.
            if case .name(let n) = e.kind, bindings[n] == nil { return (.labels([n], e.range), e.range) }
            let v = try evaluate(e)
            switch v {
            case .number:
                return (.positions([try position(e, value: v)]), e.range)
            case .matrix(let m) where m.isVector:
                return (.positions(try m.storage.map { try position(e, value: .number($0)) }), e.range)
            case .string(let s): return (.labels([s], e.range), e.range)
            case .month(let m): return (.labels([m.description], e.range), e.range)
            case .list(let items):
                let labels = items.compactMap(\.labelText)
                guard labels.count == items.count else { throw Diagnostic("cannot index by \(v.kindName) of mixed values", at: e.range) }
                return (.labels(labels, e.range), e.range)
            default:
                throw Diagnostic("cannot index by \(v.kindName)", at: e.range)
            }
        }
    }

    private func position(_ e: Expr, value: Value? = nil) throws -> Int {
        let v = try value ?? evaluate(e)
        guard case .number(let x) = v, let position = Int(whole: x, in: 1...1_000_000_000) else {
            throw Diagnostic("positions are whole numbers from 1, found \(v.rendered())", at: e.range)
        }
        return position - 1
    }

    private func matrixLiteral(_ rows: [[Expr]], at range: SourceRange) throws -> Value {
        if rows.isEmpty { return .matrix(Matrix(rows: 0, cols: 0)) }
        let values = try rows.map { try $0.map { try evaluate($0) } }
        if values.joined().contains(where: { if case .expression = $0 { return true }; return false }) {
            return .expression(try modeling(at: range) {
                let blockRows = try values.map { row in
                    try ModelExpression.concatenate(try row.map { v in
                        guard let x = ModelArithmetic.expression(v) else { throw ModelingError("only numbers, matrices and expressions can form a matrix") }
                        return x
                    }, horizontal: true)
                }
                return try ModelExpression.concatenate(blockRows, horizontal: false)
            })
        }
        let numeric = values.allSatisfy { $0.allSatisfy { if case .number = $0 { return true }; if case .matrix = $0 { return true }; return false } }
        if !numeric {
            guard values.count == 1 else { throw Diagnostic("only numbers and matrices can form rows", at: range) }
            return .list(values[0])
        }
        do {
            let blockRows = try values.map { row in
                try Matrix.horizontalConcatenation(row.map {
                    if case .matrix(let m) = $0 { return m }
                    if case .number(let x) = $0 { return Matrix(rows: 1, cols: 1, columnMajor: [x]) }
                    return Matrix(rows: 0, cols: 0)
                })
            }
            return Value.normalized(try Matrix.verticalConcatenation(blockRows))
        } catch {
            throw Diagnostic(String(describing: error), at: range)
        }
    }

    private func rangeValue(_ lo: Expr, _ hi: Expr, _ step: Expr?, at range: SourceRange) throws -> Value {
        let a = try evaluate(lo), b = try evaluate(hi)
        let s = try step.map { try evaluate($0) }
        if case .month(let first) = a, case .month(let last) = b {
            var k = 1
            if let s {
                guard case .number(let x) = s, let months = Int(whole: x, in: Interpreter.monthSteps) else {
                    throw Diagnostic(Interpreter.monthStepMessage, at: step?.range ?? range)
                }
                k = months
            }
            guard first <= last else { throw Diagnostic("the range is empty: \(first) is after \(last)", at: range) }
            return .list(stride(from: first.ordinal, through: last.ordinal, by: k).map { .month(Month(ordinal: $0)) })
        }
        guard case .number(let x0) = a, case .number(let x1) = b else {
            throw Diagnostic("a range runs between two numbers or two months, found \(a.kindName) and \(b.kindName)", at: range)
        }
        var dx = 1.0
        if let s {
            guard case .number(let d) = s, d.isFinite, d != 0 else { throw Diagnostic("a range needs a non-zero step", at: step?.range ?? range) }
            dx = d
        }
        let count = ((x1 - x0) / dx + 1e-9).rounded(.down) + 1
        guard count >= 1 else { throw Diagnostic("the range is empty", at: range) }
        guard count <= Double(Interpreter.maximumRangeLength) else {
            let size = count.isFinite ? "\(formatNumber(count)) values, more than" : "more values than"
            throw Diagnostic("the range has \(size) \(Interpreter.maximumRangeLength)", at: range)
        }
        // Multiply rather than accumulate, so that 1% to 10% by 0.5% ends exactly at 10%.
        let values = (0..<(Int(whole: count) ?? 0)).map { x0 + Double($0) * dx }
        return Value.normalized(Matrix(row: values))
    }
}
