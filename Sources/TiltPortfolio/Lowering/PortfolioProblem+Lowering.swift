import TiltLinearAlgebra
import TiltModeling

/// A portfolio problem that cannot be posed at a rebalance (a sector the month does not have, a shape that
/// does not fit, a term that breaks the DCP rules), with where in the problem it is.
public struct PortfolioProblemError: Error, Sendable, CustomStringConvertible {
    /// The part of the problem at fault.
    public enum Location: Sendable, Equatable {
        case objective
        /// The constraint at this index of `PortfolioProblem.constraints`.
        case constraint(Int)
        /// The problem as a whole (the defaults, the exposure definition, the solve).
        case problem
    }

    public var location: Location
    public var message: String
    public var hint: String?
    /// A sector or factor name the month does not have, with those it has (for a suggestion).
    public var unknownName: UnknownName?

    public init(_ message: String, at location: Location, hint: String? = nil, unknownName: UnknownName? = nil) {
        self.message = message
        self.location = location
        self.hint = hint
        self.unknownName = unknownName
    }

    public var description: String { message }
}

extension PortfolioProblem {
    /// The problem at one rebalance as an `OptimizationProblem` for the interior-point path: the objective,
    /// the stated constraints in order, `f == B(w − b)`, each regime's exposure definition when a regime
    /// objective uses them, then the defaults (`sum(w) == 1`, `w >= 0`).
    public func lowered(in context: PortfolioContext) throws(PortfolioProblemError) -> OptimizationProblem {
        let goal = try located(.objective) { try loweredObjective(in: context) }
        var lowered: [OptimizationProblem.Constraint] = []
        for (index, constraint) in constraints.enumerated() {
            lowered.append(try located(.constraint(index)) { try constraint.lowered(in: context) })
        }
        try located(.problem) {
            lowered.append(try context.exposureDefinition)
            // A regime objective uses each regime's exposure variables: tie them to w.
            let used = Set(([goal] + lowered.flatMap { [$0.lhs, $0.rhs] }).flatMap(\.variables))
            if context.regimeExposureVariables.contains(where: used.contains) {
                lowered += try context.regimeExposureDefinitions
            }
            for rule in defaults {
                switch rule {
                case .fullyInvested:
                    lowered.append(.init(lhs: .sum(context.w), relation: .equal, rhs: .constant(1), text: "sum(w) == 1 (default)"))
                case .longOnly:
                    lowered.append(.init(lhs: context.w, relation: .greaterEqual, rhs: .constant(0), text: "w >= 0 (default)"))
                }
            }
        }
        return OptimizationProblem(sense: sense == .minimize ? .minimize : .maximize, objective: goal, constraints: lowered)
    }

    /// The objective's terms added and subtracted left to right, as the program wrote them.
    private func loweredObjective(in context: PortfolioContext) throws -> ModelExpression {
        var sum: ModelExpression?
        for term in objective {
            var value = try term.quantity.lowered(in: context)
            if let scale = term.scale { value = try .multiply(.constant(scale), value) }
            switch (sum, term.sign) {
            case (nil, .plus): sum = value
            case (nil, .minus): sum = .negate(value)
            case (let left?, .plus): sum = try .add(left, value)
            case (let left?, .minus): sum = try .subtract(left, value)
            }
        }
        guard let sum else { throw ModelingError("the objective has no term") }
        return sum
    }

    /// Runs one step of the lowering, placing its modelling errors at `location`.
    private func located<T>(_ location: PortfolioProblemError.Location, _ body: () throws -> T) throws(PortfolioProblemError) -> T {
        do {
            return try body()
        } catch let error as PortfolioProblemError {
            throw error
        } catch let error as ModelingError {
            throw PortfolioProblemError(error.message, at: location, hint: error.hint)
        } catch let error as UnknownName {
            throw PortfolioProblemError(error.message, at: location, unknownName: error)
        } catch {
            throw PortfolioProblemError(String(describing: error), at: location)
        }
    }
}

extension ObjectiveTerm.Quantity {
    func lowered(in context: PortfolioContext) throws -> ModelExpression {
        switch self {
        case .expectedActiveReturn:
            return try .multiply(.constant(context.muMatrix.transposed()), context.named(.exposures))
        case .risk: return try context.named(.risk)
        case .trackingError: return try context.named(.trackingError)
        case .turnover: return try context.named(.turnover)
        case .regimeUtility(let phi): return try context.regimeUtility(phi: phi)
        case .entropicValueAtRisk(let confidence): return try context.entropicValueAtRisk(confidence: confidence)
        case .expression(let e): return try e.lowered(in: context)
        }
    }
}

extension PortfolioConstraint {
    /// The constraint as the interior-point path states it, each structured kind as its canonical spelling
    /// (`tev <= 6%` is `tev` ≤ the constant 0.06).
    func lowered(in context: PortfolioContext) throws -> OptimizationProblem.Constraint {
        func bound(_ lhs: ModelExpression, _ relation: Relation, _ rhs: ModelExpression) -> OptimizationProblem.Constraint {
            OptimizationProblem.Constraint(lhs: lhs, relation: relation.modelRelation, rhs: rhs, text: text)
        }
        switch kind {
        case .trackingErrorAtMost(let limit):
            return bound(try context.named(.trackingError), .lessEqual, .constant(limit))
        case .riskAtMost(let limit):
            return bound(try context.named(.risk), .lessEqual, .constant(limit))
        case .turnoverAtMost(let limit):
            return bound(try context.named(.turnover), .lessEqual, .constant(limit))
        case .entropicValueAtRiskAtMost(let confidence, let limit):
            return bound(try context.entropicValueAtRisk(confidence: confidence), .lessEqual, .constant(limit))
        case .budget(let total):
            return bound(.sum(try context.named(.weights)), .equal, .constant(total))
        case .weightsAtLeast(let value):
            return bound(try context.named(.weights), .greaterEqual, .constant(value.matrix))
        case .weightsAtMost(let value):
            return bound(try context.named(.weights), .lessEqual, .constant(value.matrix))
        case .weightsWithin(let center, let radius):
            let centerValue: ModelExpression
            switch center {
            case .benchmark: centerValue = try context.named(.benchmark)
            case .constant(let c): centerValue = .constant(c.matrix)
            }
            let distance = try ModelExpression.apply(.abs, [.subtract(context.named(.weights), centerValue)])
            return bound(distance, .lessEqual, .constant(radius.matrix))
        case .sector(let name, let relation, let value):
            return bound(try context.sector(name), relation, .constant(value))
        case .exposure(let name, let relation, let value):
            return bound(try context.exposure(name), relation, .constant(value))
        case .exposureWithin(let name, let radius):
            return bound(try .apply(.abs, [context.exposure(name)]), .lessEqual, .constant(radius))
        case .general(let lhs, let relation, let rhs):
            return bound(try lhs.lowered(in: context), relation, try rhs.lowered(in: context))
        }
    }
}

extension PortfolioConstraint.Relation {
    var modelRelation: OptimizationProblem.Constraint.Relation {
        switch self {
        case .equal: return .equal
        case .lessEqual: return .lessEqual
        case .greaterEqual: return .greaterEqual
        }
    }
}
