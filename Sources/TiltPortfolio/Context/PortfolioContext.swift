import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModeling

/// The month's context of a strategy's portfolio problem — what its objective and constraints refer to at
/// one rebalance (end of month T): the decision weights `w`, the benchmark `b`, the factor model's
/// quantities and the expressions built from them (`PortfolioQuantity`). The factor structure is kept: the
/// active exposures `f` are variables tied to the weights by `f == B(w − b)` (B the (K+1)×n loadings), so
/// the risk model never appears as an n×n covariance. Everything here is known at the end of T.
public struct PortfolioContext: Sendable {
    /// The month T at whose end the decision is taken.
    public let month: Month
    /// The decision units: assets, or sectors for `allocate by sector`.
    public let units: [String]
    /// (K+1) × n loadings of the units, intercept row first.
    public let loadings: Matrix
    /// K+1: 1 followed by the mean factor returns (monthly).
    public let mu: [Double]
    /// K × K factor covariance (monthly).
    public let factorCovariance: Matrix
    /// n residual variances (monthly).
    public let residualVariances: [Double]
    /// n benchmark weights.
    public let benchmark: [Double]
    /// n weights held just before the rebalance (the previous decision drifted by returns; 0 for new units).
    public let previousWeights: [Double]
    /// The sector of each unit, when known (for `sector("name")`).
    public let sectors: [String]?
    /// The names of the exposures: "alpha" then the factor names.
    public let exposureNames: [String]
    /// With a regime model (`model regime(…)`): the forecast regime probabilities and each regime's
    /// moments for these units; nil with an OLS model. The fields above are then the regimes' mixture.
    public let regime: RegimeMoments?

    /// The decision variable w (n).
    public let weightVariable: Variable
    /// The active exposures f (K+1), labelled by `exposureNames`.
    public let exposureVariable: Variable
    /// With a regime model: each regime's factor exposures B_s w (K each, absolute weights), the variables
    /// the regime objectives use so that each regime's risk stays K × K (`regimeExposureDefinitions` ties
    /// them to w); empty without one.
    public let regimeExposureVariables: [Variable]

    public init(month: Month, units: [String], loadings: Matrix, mu: [Double], factorCovariance: Matrix,
                residualVariances: [Double], benchmark: [Double], previousWeights: [Double], sectors: [String]?,
                exposureNames: [String], regime: RegimeMoments? = nil) {
        self.month = month
        self.units = units
        self.loadings = loadings
        self.mu = mu
        self.factorCovariance = factorCovariance
        self.residualVariances = residualVariances
        self.benchmark = benchmark
        self.previousWeights = previousWeights
        self.sectors = sectors
        self.exposureNames = exposureNames
        self.regime = regime
        weightVariable = Variable(name: "w", rows: units.count, rowLabels: units)
        exposureVariable = Variable(name: "f", rows: exposureNames.count, rowLabels: exposureNames)
        let factorNames = Array(exposureNames.dropFirst())
        regimeExposureVariables = (regime?.states.indices ?? 0..<0).map { s in
            Variable(name: "f_regime\(s + 1)", rows: factorNames.count, rowLabels: factorNames)
        }
    }

    public var w: ModelExpression { .variable(weightVariable) }
    public var f: ModelExpression { .variable(exposureVariable) }
    public var b: ModelExpression { .constant(Matrix(column: benchmark, labels: units)) }
    public var muExpression: ModelExpression { .constant(Matrix(column: mu, labels: exposureNames)) }

    /// w − b.
    public var activeWeights: ModelExpression {
        get throws { try .subtract(w, b) }
    }

    /// The constraint that defines the exposures: f == B(w − b).
    public var exposureDefinition: OptimizationProblem.Constraint {
        get throws {
            OptimizationProblem.Constraint(lhs: f, relation: .equal,
                                           rhs: try .multiply(.constant(loadings), activeWeights),
                                           text: Self.exposureDefinitionText)
        }
    }

    /// The vector whose squared norm is the monthly active variance:
    /// [Lᵀ f_factors; √E ∘ (w − b)] with Σ_f = L Lᵀ, so ‖·‖² = fᵀΣ_f f + (w − b)ᵀE(w − b).
    public var activeRiskVector: ModelExpression {
        get throws {
            let k = factorCovariance.rows
            let factorExposures = try ModelExpression.select(f, rows: Array(1..<(k + 1)), cols: nil)
            let lower = try factorCovariance.cholesky()
            let factorPart = try ModelExpression.multiply(.constant(lower.transposed()), factorExposures)
            let scale = Matrix(column: residualVariances.map { max(0, $0).squareRoot() })
            let specificPart = try ModelExpression.multiplyElementwise(.constant(scale), activeWeights)
            return try .concatenate([factorPart, specificPart], horizontal: false)
        }
    }

    /// Monthly ex-ante active variance, `risk`.
    public var risk: ModelExpression {
        get throws { try ModelExpression.quad(activeRiskVector, nil) }
    }

    /// √12, the factor of `tev` = √12 · ‖activeRiskVector‖ (annualised from monthly).
    static let annualisation = 12.0.squareRoot()

    /// Annualised ex-ante tracking error, `tev` = √12 · ‖activeRiskVector‖ (so `tev <= x` ⇔ risk ≤ x²/12).
    public var trackingError: ModelExpression {
        get throws { try ModelExpression.multiply(.constant(Self.annualisation), .apply(.norm2, [activeRiskVector])) }
    }

    static let exposureDefinitionText = "f == B(w - b)"

    /// Σ|w − w_before|, `turnover`.
    public var turnover: ModelExpression {
        get throws { try .apply(.norm1, [.subtract(w, .constant(Matrix(column: previousWeights)))]) }
    }

    /// The total weight of a sector, `sector("Finance")`.
    public func sector(_ name: String) throws -> ModelExpression {
        guard let sectors else { throw ModelingError("the universe has no sectors, so `sector(\"\(name)\")` has no meaning") }
        let members = sectors.indices.filter { sectors[$0] == name }
        guard !members.isEmpty else {
            let known = Array(Set(sectors)).sorted()
            throw UnknownName(name: name, candidates: known, message: "no sector is named \"\(name)\" (sectors: \(known.joined(separator: ", ")))")
        }
        return .sum(try .select(w, rows: members, cols: nil))
    }
}
