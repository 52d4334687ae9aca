import TiltLinearAlgebra

/// A decision variable: an r×c matrix of unknowns (usually a column vector `var w[n]`).
/// Variables compare by identity: two `var w[3]` statements make two different variables.
public final class Variable: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let rows: Int
    public let cols: Int
    /// Names of the entries of a column variable (e.g. factor names for active exposures `f`), so that
    /// `f[hml]` can select by label.
    public let rowLabels: [String]?

    public init(name: String, rows: Int, cols: Int = 1, rowLabels: [String]? = nil) {
        self.name = name
        self.rows = rows
        self.cols = cols
        self.rowLabels = rowLabels?.count == rows ? rowLabels : nil
    }

    public var count: Int { rows * cols }
    public var description: String { name }
    public static func == (a: Variable, b: Variable) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// An optimisation expression: a tree over variables and constants, with its shape and the source span it
/// came from (byte offsets, so that a DCP error can underline it). Built by the language when arithmetic
/// touches a variable; analysed by `DCPAnalysis`; compiled by `ConeCompiler`.
public struct ModelExpression: Sendable {
    public let node: Node
    public let rows: Int
    public let cols: Int
    /// Byte range in the program text, when the expression comes from one.
    public var origin: Range<Int>?
    /// The expression as the user wrote it, for messages (`quad(w, S)`).
    public var text: String?

    public indirect enum Node: Sendable {
        case variable(Variable)
        case constant(Matrix)
        /// Sum of two expressions of the same shape, or one of them 1×1 (broadcast).
        case add(ModelExpression, ModelExpression)
        case negate(ModelExpression)
        /// `A * X` with a constant matrix A (a 1×1 A scales).
        case multiplyLeft(Matrix, ModelExpression)
        /// `X * A` with a constant matrix A.
        case multiplyRight(ModelExpression, Matrix)
        /// Entry-wise product with a constant of the same shape (or 1×1).
        case multiplyElementwise(Matrix, ModelExpression)
        case transpose(ModelExpression)
        /// Selected rows and columns (0-based positions).
        case select(ModelExpression, rows: [Int], cols: [Int])
        case concatenate([ModelExpression], horizontal: Bool)
        /// Sum of all entries (1×1).
        case sum(ModelExpression)
        case atom(Atom, [ModelExpression])
    }

    init(_ node: Node, rows: Int, cols: Int, origin: Range<Int>? = nil) {
        self.node = node
        self.rows = rows
        self.cols = cols
        self.origin = origin
    }

    public var count: Int { rows * cols }
    public var isScalar: Bool { rows == 1 && cols == 1 }
    public var shapeDescription: String { "\(rows)×\(cols)" }

    /// Returns the same expression with its source span and text set.
    public func locatedAt(_ range: Range<Int>, text: String) -> ModelExpression {
        var copy = self
        copy.origin = range
        copy.text = text
        return copy
    }

    /// How messages name the expression: as written, or a structural description.
    public var displayText: String {
        if let text { return text }
        switch node {
        case .variable(let v): return v.name
        case .constant(let m): return m.isScalar ? "\(m[0, 0])" : "a \(m.shapeDescription) constant"
        case .atom(let a, let args): return a.name + "(" + args.map(\.displayText).joined(separator: ", ") + ")"
        default: return "a \(shapeDescription) expression"
        }
    }

    /// Whether any variable occurs in the expression.
    public var dependsOnVariables: Bool {
        switch node {
        case .variable: return true
        case .constant: return false
        case .add(let a, let b): return a.dependsOnVariables || b.dependsOnVariables
        case .negate(let x), .multiplyLeft(_, let x), .multiplyRight(let x, _), .multiplyElementwise(_, let x),
             .transpose(let x), .select(let x, _, _), .sum(let x):
            return x.dependsOnVariables
        case .concatenate(let xs, _), .atom(_, let xs): return xs.contains { $0.dependsOnVariables }
        }
    }

    /// The variables in the expression, in order of first appearance.
    public var variables: [Variable] {
        var seen = Set<Variable>(), order: [Variable] = []
        func visit(_ e: ModelExpression) {
            switch e.node {
            case .variable(let v): if seen.insert(v).inserted { order.append(v) }
            case .constant: break
            case .add(let a, let b): visit(a); visit(b)
            case .negate(let x), .multiplyLeft(_, let x), .multiplyRight(let x, _), .multiplyElementwise(_, let x),
                 .transpose(let x), .select(let x, _, _), .sum(let x):
                visit(x)
            case .concatenate(let xs, _), .atom(_, let xs): xs.forEach(visit)
            }
        }
        visit(self)
        return order
    }
}
