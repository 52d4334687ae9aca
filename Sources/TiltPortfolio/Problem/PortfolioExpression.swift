/// A quantity of one rebalance that a strategy's objective and constraints name (the language's `w`, `b`,
/// `mu`, `f`, `risk`, `tev`, `turnover`); its raw value is that name. Units: weights and exposures are
/// fractions of the portfolio; `mu` monthly; `risk` a monthly variance; `tev` an annualised volatility
/// (√12·√risk); `turnover` Σ|w − w_before|.
public enum PortfolioQuantity: String, Sendable, Codable, CaseIterable {
    /// w, the decision weights (n).
    case weights = "w"
    /// b, the benchmark weights (n).
    case benchmark = "b"
    /// mu, `[1, mean factor returns]` (K + 1, monthly).
    case expectedFactorReturns = "mu"
    /// f, the active exposures B(w − b), intercept first (K + 1).
    case exposures = "f"
    /// The monthly ex-ante active variance fᵀΣ_f f + (w − b)ᵀE(w − b).
    case risk
    /// The annualised ex-ante tracking error √(12·risk).
    case trackingError = "tev"
    /// Σ|w − w_before|, w_before the weights held just before the rebalance.
    case turnover
}

/// What a strategy's objective or constraint says beyond the structured terms of `PortfolioProblem`: an
/// expression over the quantities of the month with the program's constants folded in (plain numbers and
/// matrices), as a plan stores it. It is turned into a `ModelExpression` at each rebalance by the rules of
/// optimisation expressions (`+ − * / .* ./`, transpose, indexing, block matrices, the atoms and affine
/// functions of `ModelFunctions`); the numbers of the month (`b`, `mu`) are constants there.
public indirect enum PortfolioExpression: Sendable, Equatable, Codable {
    case constant(value: ConstantValue)
    case quantity(name: PortfolioQuantity)
    /// `sector("Finance")`: the total weight of a sector.
    case sector(name: String)
    /// `regime_utility(phi: φ)`: the certainty equivalent of next month's return (concave).
    case regimeUtility(phi: Double)
    /// `evar(95%)`: the entropic value at risk of next month's loss (convex).
    case entropicValueAtRisk(confidence: Double)
    case negate(operand: PortfolioExpression)
    case binary(op: PortfolioOperator, lhs: PortfolioExpression, rhs: PortfolioExpression)
    case transpose(operand: PortfolioExpression)
    case absoluteValue(operand: PortfolioExpression)
    /// One or two index items: `x[i]`, `M[i, j]`.
    case index(base: PortfolioExpression, items: [PortfolioIndex])
    /// A function of `ModelFunctions` by name (`sum`, `norm`, `quad`, …).
    case call(function: String, arguments: [PortfolioExpression])
    /// Blocks `[A, B; C, D]`, row by row.
    case blocks(rows: [[PortfolioExpression]])

    /// Whether the expression names a quantity of the month (or a sector or regime objective).
    public var mentionsMonth: Bool {
        switch self {
        case .constant: return false
        case .quantity, .sector, .regimeUtility, .entropicValueAtRisk: return true
        case .negate(let x), .transpose(let x), .absoluteValue(let x), .index(let x, _): return x.mentionsMonth
        case .binary(_, let a, let b): return a.mentionsMonth || b.mentionsMonth
        case .call(_, let xs): return xs.contains(where: \.mentionsMonth)
        case .blocks(let rows): return rows.contains { $0.contains(where: \.mentionsMonth) }
        }
    }
}

/// The arithmetic operators of `PortfolioExpression`.
public enum PortfolioOperator: String, Sendable, Codable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case elementwiseMultiply = ".*", elementwiseDivide = "./"
}

/// One item of an index: everything, positions (0-based), or labels (`f[hml]`, `mu["smb"]`).
public enum PortfolioIndex: Sendable, Equatable, Codable {
    case all
    case positions([Int])
    case labels([String])
}
