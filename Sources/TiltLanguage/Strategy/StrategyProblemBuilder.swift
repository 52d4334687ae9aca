import TiltBacktest
import TiltLinearAlgebra
import TiltModeling
import TiltSyntax

/// Builds a strategy's optimisation problem at each rebalance: the program's objective and constraints
/// evaluated with the strategy names bound to that month's quantities (`w`, `b`, `f`, `mu`, `risk`, `tev`,
/// `turnover`, `sector(…)`), plus the definition of the exposures and the default constraints.
///
/// Defaults: fully invested (`sum(w) == 1`) and long-only (`w >= 0`). A program lifts the budget by
/// constraining `sum(w)` itself, and long-only by giving `w` its own lower bound (`w >= -10%`).
struct StrategyProblemBuilder: Sendable {
    var bindings: [String: Value]
    /// A sweep over a strategy quantity (`tev in 1% to 10% by 0.5%`): the value bounds that quantity,
    /// replacing the program's own `tev <= …` constraint.
    var sweptBound: (name: String, value: Double)?
    let file: SourceFile
    let sense: ObjectiveSense
    let objective: Expr
    let constraints: [Constraint]

    func problem(for context: PortfolioContext) throws -> OptimizationProblem {
        let interpreter = Interpreter(output: { _ in })
        interpreter.bindings = bindings
        interpreter.bindings["w"] = .expression(context.w.named("w"))
        interpreter.bindings["f"] = .expression(context.f.named("f"))
        interpreter.bindings["b"] = .matrix(Matrix(column: context.benchmark, labels: context.units))
        interpreter.bindings["mu"] = .matrix(Matrix(column: context.mu, labels: context.exposureNames))
        interpreter.bindings["risk"] = .expression(try context.risk.named("risk"))
        interpreter.bindings["tev"] = .expression(try context.trackingError.named("tev"))
        interpreter.bindings["turnover"] = .expression(try context.turnover.named("turnover"))
        interpreter.strategyContext = context
        interpreter.currentFile = file
        let stated = constraints.filter { c in
            guard let swept = sweptBound, case .binary(.lessEqual, let l, _, _, _) = c.expr.kind else { return true }
            return l.kind != .name(swept.name)
        }
        var (problem, _) = try interpreter.buildProblem(sense, objective, stated, file: file)
        if let swept = sweptBound, case .expression(let quantity) = interpreter.bindings[swept.name] {
            problem.constraints.append(.init(lhs: quantity, relation: .lessEqual, rhs: .constant(swept.value),
                                             text: "\(swept.name) <= \(swept.value)"))
        }
        problem.constraints.append(try context.exposureDefinition)
        // A regime objective uses each regime's exposure variables: tie them to w.
        let used = Set(([problem.objective] + problem.constraints.flatMap { [$0.lhs, $0.rhs] }).flatMap(\.variables))
        if context.regimeExposureVariables.contains(where: used.contains) {
            problem.constraints += try context.regimeExposureDefinitions
        }
        if !constrainsBudget {
            problem.constraints.append(.init(lhs: .sum(context.w), relation: .equal, rhs: .constant(1), text: "sum(w) == 1 (default)"))
        }
        if !boundsWeightsBelow {
            problem.constraints.append(.init(lhs: context.w, relation: .greaterEqual, rhs: .constant(0), text: "w >= 0 (default)"))
        }
        return context.recognizingFactorPortfolioForm(problem)
    }

    /// Whether a constraint fixes the budget: `sum(w) == …` (either side).
    private var constrainsBudget: Bool {
        constraints.contains { c in
            guard case .binary(.equal, let l, let r, _, _) = c.expr.kind else { return false }
            return [l, r].contains { if case .call(let f, let args) = $0.kind { return f.name == "sum" && args.count == 1 && args[0].value.kind == .name("w") }; return false }
        }
    }

    /// Whether a constraint gives `w` a lower bound: `w >= …` or `… <= w`.
    private var boundsWeightsBelow: Bool {
        constraints.contains { c in
            switch c.expr.kind {
            case .binary(.greaterEqual, let l, _, _, _), .binary(.greater, let l, _, _, _): return l.kind == .name("w")
            case .binary(.lessEqual, _, let r, _, _), .binary(.less, _, let r, _, _): return r.kind == .name("w")
            default: return false
            }
        }
    }
}

private extension ModelExpression {
    /// The expression with the name a program uses for it, for messages.
    func named(_ name: String) -> ModelExpression {
        var copy = self
        copy.text = name
        return copy
    }
}
