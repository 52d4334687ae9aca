import TiltLinearAlgebra
import TiltModeling
import TiltSyntax

/// The atoms of the optimisation layer as functions. Each works on numbers too (evaluated on the spot),
/// so `norm(x)` means the same inside and outside a `solve`.
enum OptimizationBuiltins {
    static let all: [Builtin] = [
        atom("quad", "quad(x, P)", "xᵀPx for a positive semidefinite P (convex)", 2...2),
        atom("sumsq", "sumsq(x)", "Σ xᵢ², the sum of squares (convex)", 1...1),
        atom("norm", "norm(x)", "Euclidean norm √Σ xᵢ² (convex)", 1...1),
        atom("norm1", "norm1(x)", "Σ |xᵢ| (convex)", 1...1),
        atom("norminf", "norminf(x)", "max |xᵢ| (convex)", 1...1),
        atom("pos", "pos(x)", "max(x, 0) entry by entry (convex)", 1...1),
        atom("logsumexp", "logsumexp(x)", "log Σ exp(xᵢ) (convex)", 1...1),
        atom("entropy", "entropy(x)", "−x log x entry by entry (concave); sum(entropy(w)) is the entropy of w", 1...1),
    ]

    /// A function defined by its expression: evaluated at once when no variable is involved.
    private static func atom(_ name: String, _ signature: String, _ summary: String, _ arity: ClosedRange<Int>) -> Builtin {
        let build = ModelFunctions.named(name) ?? { _ in throw ModelingError("`\(name)` has no meaning on optimisation expressions") }
        return Builtin(name: name, signature: signature, summary: summary, arity: arity, modeling: build) { args in
            let expressions = try args.values.enumerated().map { i, v -> ModelExpression in
                guard let e = ModelArithmetic.expression(v) else {
                    throw Diagnostic("expected a number, vector or matrix, found \(v.kindName)", at: args.ranges[i])
                }
                return e
            }
            let e: ModelExpression
            do { e = try build(expressions) } catch let error as ModelingError {
                throw Diagnostic(error.message, at: args.callRange, hint: error.hint)
            }
            guard let value = e.value(at: [:]) else {
                throw Diagnostic("cannot evaluate `\(name)` here", at: args.callRange)
            }
            return Value.normalized(value)
        }
    }
}
