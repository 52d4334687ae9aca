/// A strategy's portfolio problem, stated once for every rebalance in terms of the month's quantities
/// (`PortfolioQuantity`): the objective as a sum of terms and the constraints as written, each a structured
/// term where it is one (a tracking-error cap, a risk penalty, bounds on the weights, a sector or exposure
/// limit, a turnover limit, a regime objective) and a `PortfolioExpression` only for what those cannot say.
///
/// At a rebalance, `lowered(in:)` turns it into an `OptimizationProblem` for the interior-point path —
/// the stated constraints in order, then `f == B(w − b)`, each regime's exposure definition when a regime
/// objective is used, then the defaults — and `canonicalForm(in:)` says, from the terms themselves, whether
/// it is the canonical factor-portfolio problem that `FactorPortfolioSolver` solves without a cone program.
public struct PortfolioProblem: Sendable, Equatable, Codable {
    public enum Sense: String, Sendable, Codable { case maximize, minimize }

    /// The constraints added unless the program says otherwise.
    public enum Default: String, Sendable, Codable {
        /// `sum(w) == 1`, unless a constraint sets `sum(w)`.
        case fullyInvested
        /// `w >= 0`, unless a constraint bounds `w` below.
        case longOnly
    }

    public var sense: Sense
    /// The objective: the terms in the order written, added or subtracted left to right.
    public var objective: [ObjectiveTerm]
    /// The constraints in the order written (a swept bound last).
    public var constraints: [PortfolioConstraint]
    /// Defaults the program did not override, in the order they are added.
    public var defaults: [Default]

    public init(sense: Sense, objective: [ObjectiveTerm], constraints: [PortfolioConstraint], defaults: [Default]) {
        self.sense = sense
        self.objective = objective
        self.constraints = constraints
        self.defaults = defaults
    }
}

/// One term of an objective: `± scale · quantity` (`- gamma * risk` is minus, 10 (gamma's value), risk).
public struct ObjectiveTerm: Sendable, Equatable, Codable {
    public enum Sign: String, Sendable, Codable { case plus = "+", minus = "-" }

    /// What the term is.
    public enum Quantity: Sendable, Equatable, Codable {
        /// `mu'f`: the expected active return (monthly), intercept included.
        case expectedActiveReturn
        /// `risk`: the monthly ex-ante active variance.
        case risk
        /// `tev`: the annualised ex-ante tracking error.
        case trackingError
        /// `turnover`: Σ|w − w_before|.
        case turnover
        /// `regime_utility(phi: φ)`: the certainty equivalent of next month's return under the regime mixture.
        case regimeUtility(phi: Double)
        /// `evar(confidence)`: the entropic value at risk of next month's loss.
        case entropicValueAtRisk(confidence: Double)
        /// Anything else.
        case expression(value: PortfolioExpression)
    }

    public var sign: Sign
    /// The constant factor written with the quantity (`gamma * risk`, `risk / 2`); nil when none.
    public var scale: Double?
    public var quantity: Quantity

    public init(_ sign: Sign, scale: Double? = nil, _ quantity: Quantity) {
        self.sign = sign
        self.scale = scale
        self.quantity = quantity
    }

    /// `+ quantity` (times `scale`).
    public init(_ quantity: Quantity, scale: Double? = nil) {
        self.init(.plus, scale: scale, quantity)
    }

    /// The term's factor with its sign: −scale for `- scale * q`.
    public var coefficient: Double {
        (sign == .minus ? -1 : 1) * (scale ?? 1)
    }
}

/// One constraint of a portfolio problem, with its label (for `dual(label)`) and its text as written (for
/// messages).
public struct PortfolioConstraint: Sendable, Equatable, Codable {
    public enum Relation: String, Sendable, Codable {
        case equal = "==", lessEqual = "<=", greaterEqual = ">="
    }

    /// Where a band is centred: the benchmark (`|w - b| <= 2%`) or a constant (`|w - 1%| <= 1%`).
    public enum Center: Sendable, Equatable, Codable {
        case benchmark
        case constant(ConstantValue)
    }

    public enum Kind: Sendable, Equatable, Codable {
        /// `tev <= limit` (annualised).
        case trackingErrorAtMost(limit: Double)
        /// `risk <= limit` (monthly variance).
        case riskAtMost(limit: Double)
        /// `turnover <= limit`.
        case turnoverAtMost(limit: Double)
        /// `evar(confidence) <= limit` (monthly loss).
        case entropicValueAtRiskAtMost(confidence: Double, limit: Double)
        /// `sum(w) == total`.
        case budget(total: Double)
        /// `w >= bound` (a number, or one per unit).
        case weightsAtLeast(bound: ConstantValue)
        /// `w <= bound`.
        case weightsAtMost(bound: ConstantValue)
        /// `|w - center| <= radius`.
        case weightsWithin(center: Center, radius: ConstantValue)
        /// `sector("name") REL value`.
        case sector(name: String, relation: Relation, value: Double)
        /// `f[name] REL value`.
        case exposure(name: String, relation: Relation, value: Double)
        /// `|f[name]| <= radius`.
        case exposureWithin(name: String, radius: Double)
        /// `lhs REL rhs`, for anything else.
        case general(lhs: PortfolioExpression, relation: Relation, rhs: PortfolioExpression)
    }

    public var kind: Kind
    public var label: String?
    /// The constraint as written (`tev <= 6%`).
    public var text: String

    public init(_ kind: Kind, label: String? = nil, text: String) {
        self.kind = kind
        self.label = label
        self.text = text
    }
}
