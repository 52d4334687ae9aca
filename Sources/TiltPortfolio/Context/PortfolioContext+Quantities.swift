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

    public init(name: String, candidates: [String], message: String) {
        self.name = name
        self.candidates = candidates
        self.message = message
    }
}

extension PortfolioContext {
    /// One value per unit from a number or an n × 1 constant (a bound on `w`, a band's radius); nil for any
    /// other shape or a NaN.
    public func perUnit(_ value: ConstantValue) -> [Double]? {
        let n = units.count, m = value.matrix
        let values = m.isScalar ? [Double](repeating: m[0, 0], count: n) : (m.rows == n && m.cols == 1 ? m.storage : nil)
        guard let values, !values.contains(where: \.isNaN) else { return nil }
        return values
    }

    /// A band's centre, one value per unit: the benchmark weights or the constant's (nil as `perUnit`).
    public func values(of center: PortfolioConstraint.Center) -> [Double]? {
        switch center {
        case .benchmark: return benchmark
        case .constant(let value): return perUnit(value)
        }
    }
}
