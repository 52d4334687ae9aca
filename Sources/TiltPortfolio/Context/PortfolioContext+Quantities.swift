import TiltLinearAlgebra
import TiltModeling

extension PortfolioContext {
    /// A quantity of the month as an optimisation expression, named as programs write it (for messages).
    /// `b` and `mu` are constants, labelled by unit and by exposure.
    public func named(_ quantity: PortfolioQuantity) throws -> ModelExpression {
        var e: ModelExpression
        switch quantity {
        case .weights: e = w
        case .exposures: e = f
        case .benchmark: return .constant(Matrix(column: benchmark, labels: units))
        case .expectedFactorReturns: return .constant(muMatrix)
        case .risk: e = try risk
        case .trackingError: e = try trackingError
        case .turnover: e = try turnover
        }
        e.text = quantity.rawValue
        return e
    }

    /// `mu` as a labelled column (rows "alpha" and the factor names).
    public var muMatrix: Matrix { Matrix(column: mu, labels: exposureNames) }

    /// `f[name]`: one active exposure (the intercept is "alpha").
    public func exposure(_ name: String) throws -> ModelExpression {
        guard let row = exposureNames.firstIndex(of: name) else {
            throw UnknownName(name: name, candidates: exposureNames,
                              message: "`f` has no entry labelled `\(name)` (entries: \(exposureNames.joined(separator: ", ")))")
        }
        return try .select(named(.exposures), rows: [row], cols: nil)
    }
}

/// A name the month does not have (a sector, a factor), with the names it has, so that a message can
/// suggest the closest.
public struct UnknownName: Error, Sendable {
    public var name: String
    public var candidates: [String]
    public var message: String
}
