import TiltSyntax

/// Gives the values of the constant expressions a strategy statement contains (`6%`, `gamma`,
/// `10 to 100 by 10`) while it is lowered. Before a program runs (`tilt check`) only what its text fixes is
/// known; when it runs, the names its `let`s bound are known too, so the same lowering folds them in.
protocol ConstantScope {
    /// The value of `e`; nil when it cannot be known yet (it reads a name bound by the program, or a file).
    func value(of e: Expr) throws -> Value?
    /// Whether the program has bound `name` (so that `f[name]` is an index by its value, not a label).
    func isBound(_ name: String) -> Bool
    /// This scope with `name` bound to `value` (a swept parameter).
    func binding(_ name: String, to value: Value) -> ConstantScope
}

/// The values known before a program runs: expressions of literals and built-in functions (not `read`),
/// and the names the program's `let`s bind to such values — the last binding of each, as a strategy that
/// runs at the program's end sees it. So `let cap = 4` then `tev <= cap` is found by `check` as by `run`.
struct LiteralScope: ConstantScope {
    /// Names bound to values the text fixes.
    private var constants: [String: Value] = [:]
    /// Every name the program (or the session before it) binds, known or not.
    private var bound: Set<String>

    /// The constants of `program`, in order: a `let` of an expression that reads only literals and earlier
    /// constants is one; any other binding of the name (a `let` of something else, a `var`) makes it unknown.
    init(program: Program? = nil, predefined: Set<String> = []) {
        bound = predefined
        for stmt in program?.statements ?? [] {
            switch stmt.kind {
            case .letBinding(let name, let e):
                bound.insert(name.name)
                constants[name.name] = (try? value(of: e)) ?? nil
            case .variable(let name, _, _):
                bound.insert(name.name)
                constants[name.name] = nil
            default: break
            }
        }
    }

    func value(of e: Expr) throws -> Value? {
        guard e.isConstant(knowing: Set(constants.keys)) else { return nil }
        let interpreter = Interpreter(output: { _ in })
        interpreter.bindings = constants
        return try interpreter.evaluate(e)
    }

    func isBound(_ name: String) -> Bool { bound.contains(name) }

    func binding(_ name: String, to value: Value) -> ConstantScope {
        var copy = self
        copy.bound.insert(name)
        copy.constants[name] = value
        return copy
    }
}

/// The values of a running program: its interpreter's bindings.
struct BindingScope: ConstantScope {
    let interpreter: Interpreter

    func value(of e: Expr) throws -> Value? {
        try interpreter.evaluate(e)
    }

    func isBound(_ name: String) -> Bool { interpreter.bindings[name] != nil }

    func binding(_ name: String, to value: Value) -> ConstantScope {
        BindingScope(interpreter: interpreter.binding(name, to: value))
    }
}

extension Expr {
    /// Whether the value is fixed by the text alone: no name is read but the `known` constants, and no
    /// file (`read`) or solve (`dual`) is.
    func isConstant(knowing known: Set<String>) -> Bool {
        func constant(_ e: Expr) -> Bool { e.isConstant(knowing: known) }
        switch kind {
        case .number, .month, .date, .string: return true
        case .name(let n): return known.contains(n)
        case .unary(_, let x), .transpose(let x), .absoluteValue(let x), .apply(_, let x): return constant(x)
        case .binary(_, let l, let r, _, _): return constant(l) && constant(r)
        case .call(let name, let arguments): return name.name != "read" && name.name != "dual" && arguments.allSatisfy { constant($0.value) }
        case .index(let base, let items):
            return constant(base) && items.allSatisfy { item in
                switch item {
                case .all: return true
                case .single(let x): return constant(x)
                case .slice(let a, let b): return constant(a) && constant(b)
                }
            }
        case .matrix(let rows): return rows.allSatisfy { $0.allSatisfy(constant) }
        case .range(let lo, let hi, let step): return constant(lo) && constant(hi) && (step.map(constant) ?? true)
        }
    }

    /// How a number was written (percent, basis points or plain; plain when computed), to label results
    /// and to tell a forgotten `%`.
    var literalStyle: NumberStyle {
        switch kind {
        case .number(_, let style): return style
        case .unary(_, let x): return x.literalStyle
        case .range(let lo, _, _): return lo.literalStyle
        case .matrix(let rows): return rows.first?.first?.literalStyle ?? .plain
        default: return .plain
        }
    }
}
