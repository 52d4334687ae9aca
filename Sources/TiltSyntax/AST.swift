/// The typed syntax tree. Every node carries the source range it was parsed from, so that any later
/// layer (checker, interpreter, DCP compiler) can point at the exact span of a problem.

/// A name as written, with its range.
public struct Identifier: Sendable, Equatable {
    public var name: String
    public var range: SourceRange
    public init(_ name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}

public enum UnaryOperator: String, Sendable { case negate = "-", plus = "+" }

public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case elementwiseMultiply = ".*", elementwiseDivide = "./", power = "^", elementwisePower = ".^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
}

/// How a number literal was written; its value is already in decimal units.
public enum NumberStyle: Sendable, Equatable { case plain, percent, basisPoints }

/// One item inside `x[…]`: `:` (everything), an expression (a position, a label or a list of them), or a
/// slice `a:b` (positions, inclusive, 1-based, as papers count).
public enum IndexItem: Sendable, Equatable {
    case all(SourceRange)
    case single(Expr)
    case slice(Expr, Expr)
}

/// A call argument, possibly labelled: `synthetic(stocks: 500)`.
public struct CallArgument: Sendable, Equatable {
    public var label: Identifier?
    public var value: Expr
    public init(label: Identifier?, value: Expr) {
        self.label = label
        self.value = value
    }
}

public indirect enum ExprKind: Sendable, Equatable {
    case number(Double, NumberStyle)
    case month(year: Int, month: Int)
    case date(year: Int, month: Int, day: Int)
    case string(String)
    case name(String)
    case unary(UnaryOperator, Expr)
    /// `implicit` marks a product written by juxtaposition after a transpose: `mu'f`, `x'S x`.
    case binary(BinaryOperator, Expr, Expr, operatorRange: SourceRange, implicit: Bool)
    case transpose(Expr)
    case call(Identifier, [CallArgument])
    case index(Expr, [IndexItem])
    /// `[1, 2; 3, 4]`: rows of elements. `[1, 2, 3]` is one row (a row vector, or a list when the
    /// elements are not numbers).
    case matrix([[Expr]])
    /// `|x|`, the absolute value as papers write it.
    case absoluteValue(Expr)
    /// `1% to 10% by 0.5%`, `1994-01 to 2000-12`.
    case range(Expr, Expr, step: Expr?)
    /// `rolling 120` in an argument: a name applied to one value, written without parentheses.
    case apply(Identifier, Expr)
}

/// An expression node: what it is and where it is.
public struct Expr: Sendable, Equatable {
    public var kind: ExprKind
    public var range: SourceRange
    public init(_ kind: ExprKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

extension Expr {
    /// Whether the name `name` is read anywhere in this expression (a call's function name is not a read).
    public func mentions(_ name: String) -> Bool {
        switch kind {
        case .number, .month, .date, .string: return false
        case .name(let n): return n == name
        case .unary(_, let x), .transpose(let x), .absoluteValue(let x), .apply(_, let x): return x.mentions(name)
        case .binary(_, let l, let r, _, _): return l.mentions(name) || r.mentions(name)
        case .call(_, let arguments): return arguments.contains { $0.value.mentions(name) }
        case .index(let base, let items):
            return base.mentions(name) || items.contains { item in
                switch item {
                case .all: return false
                case .single(let x): return x.mentions(name)
                case .slice(let a, let b): return a.mentions(name) || b.mentions(name)
                }
            }
        case .matrix(let rows): return rows.contains { $0.contains { $0.mentions(name) } }
        case .range(let lo, let hi, let step): return lo.mentions(name) || hi.mentions(name) || step?.mentions(name) == true
        }
    }
}

public enum ObjectiveSense: String, Sendable { case minimize, maximize }

/// One constraint of a `s.t.` list, optionally labelled (`budget: sum(w) == 1`) so that its dual can be
/// asked for.
public struct Constraint: Sendable, Equatable {
    public var label: Identifier?
    public var expr: Expr
    public var range: SourceRange { label.map { $0.range.union(expr.range) } ?? expr.range }
}

/// A bound on a declared optimisation variable: `var w[n] >= 0`.
public struct VariableBound: Sendable, Equatable {
    public var op: BinaryOperator
    public var value: Expr
}

public enum StmtKind: Sendable, Equatable {
    case letBinding(Identifier, Expr)
    case variable(Identifier, dimensions: [Expr], bound: VariableBound?)
    /// `solve minimize EXPR s.t. …`: one optimisation, solved now; `solve(tol_feas: 1e-10) minimize …` sets
    /// the solver's options (labelled arguments, read by the vocabulary).
    case solve(ObjectiveSense, Expr, [Constraint], options: [CallArgument])
    /// `maximize mu'f s.t. tev <= 6%`: the objective of a strategy, solved at every rebalance.
    case objective(ObjectiveSense, Expr, [Constraint])
    case universe(Expr)
    case factors(Expr)
    case benchmark(Expr)
    case model(Expr)
    case policy(Expr, utility: Expr?)
    case allocate(by: Identifier)
    case rebalance(Identifier, window: Expr?)
    case costs(Expr)
    case crisis(name: Expr, window: Expr)
    /// `gamma in 10 to 100 by 10`: run the strategy once per value.
    case sweep(Identifier, Expr)
    /// `experiment regime_study(trials: 5000, stocks: 500, phi: [1, 5, 25, 50], seed: 7)`: run a Monte
    /// Carlo study now and print its table.
    case experiment(Expr)
    /// `at 2008-09`: look at one month of the strategy's data — bind its caps, loadings, factor moments,
    /// benchmark, … (and, with an objective, the month's solution) as names.
    case at(Expr)
    case print(Expr)
    case expression(Expr)
}

public struct Stmt: Sendable, Equatable {
    public var kind: StmtKind
    public var range: SourceRange
    public init(_ kind: StmtKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// A parsed file: its statements and its comments (kept for the formatter).
public struct Program: Sendable {
    public var file: SourceFile
    public var statements: [Stmt]
    public var comments: [Comment]
}
