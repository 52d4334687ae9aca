import TiltSyntax

/// Gives the values of the constant expressions a strategy statement contains (`6%`, `gamma`,
/// `10 to 100 by 10`) while it is lowered. Before a program runs (`tilt check`) only literals are known;
/// when it runs, the names its `let`s bound are known too, so the same lowering folds them in.
protocol ConstantScope {
    /// The value of `e`; nil when it cannot be known yet (it reads a name bound by the program, or a file).
    func value(of e: Expr) throws -> Value?
    /// Whether the program has bound `name` (so that `f[name]` is an index by its value, not a label).
    func isBound(_ name: String) -> Bool
}

/// The values known before a program runs: expressions of literals and built-in functions (not `read`).
struct LiteralScope: ConstantScope {
    func value(of e: Expr) throws -> Value? {
        guard e.isLiteral else { return nil }
        return try Interpreter(output: { _ in }).evaluate(e)
    }

    func isBound(_ name: String) -> Bool { false }
}

/// The values of a running program: its interpreter's bindings.
struct BindingScope: ConstantScope {
    let interpreter: Interpreter

    func value(of e: Expr) throws -> Value? {
        try interpreter.evaluate(e)
    }

    func isBound(_ name: String) -> Bool { interpreter.bindings[name] != nil }
}

extension Expr {
    /// Whether the value is fixed by the text alone: no name is read and no file (`read`) is called.
    var isLiteral: Bool {
        switch kind {
        case .number, .month, .date, .string: return true
        case .name: return false
        case .unary(_, let x), .transpose(let x), .absoluteValue(let x), .apply(_, let x): return x.isLiteral
        case .binary(_, let l, let r, _, _): return l.isLiteral && r.isLiteral
        case .call(let name, let arguments): return name.name != "read" && name.name != "dual" && arguments.allSatisfy(\.value.isLiteral)
        case .index(let base, let items):
            return base.isLiteral && items.allSatisfy { item in
                switch item {
                case .all: return true
                case .single(let x): return x.isLiteral
                case .slice(let a, let b): return a.isLiteral && b.isLiteral
                }
            }
        case .matrix(let rows): return rows.allSatisfy { $0.allSatisfy(\.isLiteral) }
        case .range(let lo, let hi, let step): return lo.isLiteral && hi.isLiteral && (step?.isLiteral ?? true)
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
