import TiltLinearAlgebra
import TiltModeling

/// Test-only shorthand over the `ModelExpression` constructors, so that a problem reads like the cvxpy
/// statement in References/make_references.py it is compared with. Every operator is the matching
/// shape-checked constructor, nothing more.
typealias Expr = ModelExpression
typealias Constraint = OptimizationProblem.Constraint

extension ModelExpression {
    static func + (a: Expr, b: Expr) throws -> Expr { try .add(a, b) }
    static func + (a: Expr, b: Double) throws -> Expr { try .add(a, .constant(b)) }
    static func - (a: Expr, b: Expr) throws -> Expr { try .subtract(a, b) }
    static func - (a: Expr, b: Double) throws -> Expr { try .subtract(a, .constant(b)) }
    static prefix func - (a: Expr) -> Expr { .negate(a) }
    /// Matrix product with a constant side, or a quadratic form `x' P x`.
    static func * (a: Expr, b: Expr) throws -> Expr { try .multiply(a, b) }
    static func * (a: Double, b: Expr) throws -> Expr { try .multiply(.constant(a), b) }
    var T: Expr { .transpose(self) }

    static func <= (a: Expr, b: Expr) -> Constraint { Constraint(lhs: a, relation: .lessEqual, rhs: b) }
    static func <= (a: Expr, b: Double) -> Constraint { a <= .constant(b) }
    static func <= (a: Double, b: Expr) -> Constraint { .constant(a) <= b }
    static func >= (a: Expr, b: Expr) -> Constraint { Constraint(lhs: a, relation: .greaterEqual, rhs: b) }
    static func >= (a: Expr, b: Double) -> Constraint { a >= .constant(b) }
    static func >= (a: Double, b: Expr) -> Constraint { .constant(a) >= b }
    static func == (a: Expr, b: Expr) -> Constraint { Constraint(lhs: a, relation: .equal, rhs: b) }
    static func == (a: Expr, b: Double) -> Constraint { a == .constant(b) }
}

func v(_ x: Variable) -> Expr { .variable(x) }
func sum(_ x: Expr) -> Expr { .sum(x) }
func quad(_ x: Expr, _ p: Matrix) throws -> Expr { try .quad(x, p) }
func sumsq(_ x: Expr) throws -> Expr { try .apply(.sumSquares, [x]) }
func norm(_ x: Expr) throws -> Expr { try .apply(.norm2, [x]) }
func norm1(_ x: Expr) throws -> Expr { try .apply(.norm1, [x]) }
func norminf(_ x: Expr) throws -> Expr { try .apply(.normInf, [x]) }
func abs(_ x: Expr) throws -> Expr { try .apply(.abs, [x]) }
func pos(_ x: Expr) throws -> Expr { try .apply(.positivePart, [x]) }
func maxEntries(_ x: Expr) throws -> Expr { try .apply(.maxEntries, [x]) }
func minEntries(_ x: Expr) throws -> Expr { try .apply(.minEntries, [x]) }
func maximum(_ xs: Expr...) throws -> Expr { try .apply(.maximum, xs) }
func minimum(_ xs: Expr...) throws -> Expr { try .apply(.minimum, xs) }
func sqrt(_ x: Expr) throws -> Expr { try .apply(.sqrt, [x]) }
func logsumexp(_ x: Expr) throws -> Expr { try .apply(.logSumExp, [x]) }
func exp(_ x: Expr) throws -> Expr { try .apply(.exp, [x]) }
func log(_ x: Expr) throws -> Expr { try .apply(.log, [x]) }
func entropy(_ x: Expr) throws -> Expr { try .apply(.entropy, [x]) }

func minimize(_ objective: Expr, _ constraints: [Constraint] = []) -> OptimizationProblem {
    OptimizationProblem(sense: .minimize, objective: objective, constraints: constraints)
}

func maximize(_ objective: Expr, _ constraints: [Constraint] = []) -> OptimizationProblem {
    OptimizationProblem(sense: .maximize, objective: objective, constraints: constraints)
}
