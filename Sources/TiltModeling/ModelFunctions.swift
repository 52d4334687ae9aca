import TiltLinearAlgebra

/// The functions of optimisation expressions by the names programs call them (`sum`, `norm`, `quad`, …):
/// the one table of what each means on `ModelExpression`s, used by the language's built-ins when an
/// argument depends on variables and by a plan's general expressions (TiltPortfolio) at each rebalance.
/// Reductions of a matrix (`sum`, `mean`) give one value per column, as on numbers.
public enum ModelFunctions {
    public typealias Function = @Sendable ([ModelExpression]) throws -> ModelExpression

    /// The function named `name`, or nil when it has no meaning on optimisation expressions (`inv`, `cov`).
    public static func named(_ name: String) -> Function? { table[name] }

    private static let table: [String: Function] = [
        "transpose": { .transpose($0[0]) },
        "sum": { try columnwise($0[0]) { .sum($0) } },
        "mean": { try columnwise($0[0]) { try .divide(.sum($0), by: Matrix(rows: 1, cols: 1, columnMajor: [Double($0.rows)])) } },
        "max": { try .apply($0.count == 1 ? .maxEntries : .maximum, $0) },
        "min": { try .apply($0.count == 1 ? .minEntries : .minimum, $0) },
        "sqrt": { try .apply(.sqrt, $0) },
        "log": { try .apply(.log, $0) },
        "exp": { try .apply(.exp, $0) },
        "abs": { try .apply(.abs, $0) },
        "quad": { xs in
            guard let p = xs[1].constantValue else { throw ModelingError("quad(x, P) needs a constant P") }
            return try .quad(xs[0], p)
        },
        "sumsq": { try .quad($0[0], nil) },
        "norm": { try .apply(.norm2, $0) },
        "norm1": { try .apply(.norm1, $0) },
        "norminf": { try .apply(.normInf, $0) },
        "pos": { try .apply(.positivePart, $0) },
        "logsumexp": { try .apply(.logSumExp, $0) },
        "entropy": { try .apply(.entropy, $0) },
    ]

    /// A reduction of an expression: one value for a vector, one per column (a row) for a matrix.
    private static func columnwise(_ x: ModelExpression, _ reduce: (ModelExpression) throws -> ModelExpression) throws -> ModelExpression {
        if x.rows == 1 || x.cols == 1 { return try reduce(x) }
        return try .concatenate((0..<x.cols).map { try reduce(.select(x, rows: nil, cols: [$0])) }, horizontal: true)
    }
}
