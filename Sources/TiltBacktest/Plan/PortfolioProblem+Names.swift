import TiltPortfolio

extension PortfolioProblem {
    /// Whether the problem depends on the weights held before the rebalance (through `turnover`), so that
    /// solving it at a month outside a backtest needs the backtest's holdings.
    public var readsHeldWeights: Bool {
        objective.contains { term in
            switch term.quantity {
            case .turnover: return true
            case .expression(let e): return e.reads(.turnover)
            case .expectedActiveReturn, .risk, .trackingError, .regimeUtility, .entropicValueAtRisk: return false
            }
        } || constraints.contains { $0.kind.reads(.turnover) }
    }

    /// The exposure names the problem's constraints look up (`f[hml]`, `|f[smb]| <= 0.2`), with the
    /// position of the constraint; the objective's, at nil.
    public var exposureNames: [(constraint: Int?, name: String)] {
        var names: [(Int?, String)] = []
        for term in objective {
            if case .expression(let e) = term.quantity { names += e.exposureLabels.map { (nil, $0) } }
        }
        for (index, constraint) in constraints.enumerated() {
            names += constraint.kind.exposureLabels.map { (index, $0) }
        }
        return names
    }
}

extension PortfolioConstraint.Kind {
    func reads(_ quantity: PortfolioQuantity) -> Bool {
        switch self {
        case .turnoverAtMost: return quantity == .turnover
        case .general(let lhs, _, let rhs): return lhs.reads(quantity) || rhs.reads(quantity)
        case .trackingErrorAtMost, .riskAtMost, .entropicValueAtRiskAtMost, .budget, .weightsAtLeast, .weightsAtMost,
             .weightsWithin, .sector, .exposure, .exposureWithin:
            return false
        }
    }

    var exposureLabels: [String] {
        switch self {
        case .exposure(let name, _, _), .exposureWithin(let name, _): return [name]
        case .general(let lhs, _, let rhs): return lhs.exposureLabels + rhs.exposureLabels
        case .trackingErrorAtMost, .riskAtMost, .turnoverAtMost, .entropicValueAtRiskAtMost, .budget, .weightsAtLeast,
             .weightsAtMost, .weightsWithin, .sector:
            return []
        }
    }
}

extension PortfolioExpression {
    /// The expressions directly inside this one.
    private var operands: [PortfolioExpression] {
        switch self {
        case .constant, .quantity, .sector, .regimeUtility, .entropicValueAtRisk: return []
        case .negate(let x), .transpose(let x), .absoluteValue(let x), .index(let x, _): return [x]
        case .binary(_, let a, let b): return [a, b]
        case .call(_, let xs): return xs
        case .blocks(let rows): return rows.flatMap { $0 }
        }
    }

    func reads(_ quantity: PortfolioQuantity) -> Bool {
        if case .quantity(let name) = self, name == quantity { return true }
        return operands.contains { $0.reads(quantity) }
    }

    /// The labels this expression looks up in `f`.
    var exposureLabels: [String] {
        var labels: [String] = []
        if case .index(.quantity(.exposures), let items) = self {
            for case .labels(let names) in items { labels += names }
        }
        return labels + operands.flatMap(\.exposureLabels)
    }
}
