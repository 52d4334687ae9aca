import TiltLinearAlgebra
import TiltModeling

extension PortfolioExpression {
    /// The expression at one rebalance, by the rules of optimisation expressions: the month's numbers are
    /// constants, the weights and exposures variables; a function is `ModelFunctions`'.
    public func lowered(in context: PortfolioContext) throws -> ModelExpression {
        switch self {
        case .constant(let value): return .constant(value.matrix)
        case .quantity(let quantity): return try context.named(quantity)
        case .sector(let name): return try context.sector(name)
        case .regimeUtility(let phi): return try context.regimeUtility(phi: phi)
        case .entropicValueAtRisk(let confidence): return try context.entropicValueAtRisk(confidence: confidence)
        case .negate(let x): return .negate(try x.lowered(in: context))
        case .transpose(let x): return .transpose(try x.lowered(in: context))
        case .absoluteValue(let x): return try .apply(.abs, [x.lowered(in: context)])
        case .binary(let op, let a, let b):
            let x = try a.lowered(in: context), y = try b.lowered(in: context)
            switch op {
            case .add: return try .add(x, y)
            case .subtract: return try .subtract(x, y)
            case .multiply: return try .multiply(x, y)
            case .elementwiseMultiply: return try .multiplyElementwise(x, y)
            case .divide, .elementwiseDivide:
                guard let divisor = y.constantValue else {
                    throw ModelingError("cannot divide by an expression that depends on variables")
                }
                return try .divide(x, by: divisor)
            }
        case .index(let base, let items):
            return try Self.select(base.lowered(in: context), items)
        case .call(let name, let arguments):
            guard let function = ModelFunctions.named(name) else {
                throw ModelingError("`\(name)` cannot take the month's quantities (`w`, `b`, `mu`, `f`, …)")
            }
            return try function(arguments.map { try $0.lowered(in: context) })
        case .blocks(let rows):
            let blockRows = try rows.map { row in try ModelExpression.concatenate(row.map { try $0.lowered(in: context) }, horizontal: true) }
            return try .concatenate(blockRows, horizontal: false)
        }
    }

    /// `x[i]` or `x[i, j]`: one index runs along a vector (or picks rows of a matrix); labels are looked up in a variable's entry labels
    /// (`f[hml]`) or a constant's row and column labels (`mu[hml]`).
    private static func select(_ x: ModelExpression, _ items: [PortfolioIndex]) throws -> ModelExpression {
        let constant = x.constantValue
        func positions(_ item: PortfolioIndex, labels: [String]?) throws -> [Int]? {
            switch item {
            case .all: return nil
            case .positions(let ps): return ps
            case .labels(let names):
                guard let labels else { throw ModelingError("`\(x.displayText)` has no labels to look up `\(names.first ?? "")` in", hint: "index by position (1-based)") }
                return try names.map { name in
                    guard let p = labels.firstIndex(of: name) else {
                        throw UnknownName(name: name, candidates: labels,
                                          message: "`\(x.displayText)` has no entry labelled `\(name)` (entries: \(labels.joined(separator: ", ")))")
                    }
                    return p
                }
            }
        }
        var rowLabels: [String]? = constant?.rowLabels, colLabels = constant?.colLabels
        if case .variable(let v) = x.node { rowLabels = v.rowLabels }
        switch items.count {
        case 1:
            if x.cols == 1 { return try .select(x, rows: positions(items[0], labels: rowLabels), cols: nil) }
            if x.rows == 1 { return try .select(x, rows: nil, cols: positions(items[0], labels: colLabels)) }
            return try .select(x, rows: positions(items[0], labels: rowLabels), cols: nil)
        case 2:
            return try .select(x, rows: positions(items[0], labels: rowLabels), cols: positions(items[1], labels: colLabels))
        default:
            throw ModelingError("an expression takes at most two indices, found \(items.count)")
        }
    }
}
