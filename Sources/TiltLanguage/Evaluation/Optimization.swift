import TiltLinearAlgebra
import TiltModeling
import TiltSolver
import TiltSyntax

/// `var` and `solve`: declaring variables, building a problem from the statement's expressions, solving
/// it and binding the results (`status`, `optval`, variable values, `dual(label)`).
extension Interpreter {
    func declareVariable(_ name: Identifier, dimensions: [Expr], bound: VariableBound?, file: SourceFile) throws {
        guard dimensions.count <= 2 else {
            throw Diagnostic("a variable has at most two dimensions", at: dimensions[2].range)
        }
        let limit = Interpreter.maximumVariableEntries
        let sizes = try dimensions.map { d -> Int in
            guard case .number(let x) = try evaluate(d), let size = Int(whole: x, in: 1...limit) else {
                throw Diagnostic("a variable's size is a whole number from 1 to 1,000,000", at: d.range)
            }
            return size
        }
        let v = Variable(name: name.name, rows: sizes.first ?? 1, cols: sizes.count == 2 ? sizes[1] : 1)
        if v.rows * v.cols > limit, let first = dimensions.first, let last = dimensions.last {
            throw Diagnostic("a \(v.rows)×\(v.cols) variable is too large (more than 1,000,000 entries)",
                             at: first.range.union(last.range))
        }
        let x = ModelExpression.variable(v).locatedAt(name.range.start..<name.range.end, text: name.name)
        bindings[name.name] = .expression(x)
        if let bound {
            let value = try evaluate(bound.value)
            guard let rhs = ModelArithmetic.expression(value), rhs.constantValue != nil else {
                throw Diagnostic("a variable's bound is a number or a constant vector", at: bound.value.range)
            }
            let text = Formatter.format(bound.value, in: file)
            variableBounds[v] = OptimizationProblem.Constraint(
                lhs: x, relation: bound.op == .greaterEqual ? .greaterEqual : .lessEqual, rhs: rhs,
                origin: name.range.start..<bound.value.range.end, text: "\(name.name) \(bound.op.rawValue) \(text)")
        }
    }

    /// The objective and the constraints of a `solve` evaluated into a problem,
    /// with each constraint's label. Variables stay symbolic while this runs.
    func buildProblem(_ sense: TiltSyntax.ObjectiveSense, _ objective: Expr, _ constraints: [Constraint], file: SourceFile)
        throws -> (OptimizationProblem, labels: [String?]) {
        buildingProblem = true
        defer { buildingProblem = false }
        guard let value = ModelArithmetic.expression(try evaluate(objective)) else {
            throw Diagnostic("the objective must be a number or an expression", at: objective.range)
        }
        // Located at the objective as written in this statement: a bare name's expression would otherwise
        // point at its definition (`var w[2]` for `minimize w`).
        let goal = value.locatedAt(objective.range.start..<objective.range.end, text: Formatter.format(objective, in: file))
        var problemConstraints: [OptimizationProblem.Constraint] = []
        var labels: [String?] = []
        for c in constraints {
            guard case .binary(let op, let l, let r, let opRange, _) = c.expr.kind, op.isComparison else {
                throw Diagnostic("a constraint compares two sides with `==`, `<=` or `>=`", at: c.expr.range)
            }
            let relation: OptimizationProblem.Constraint.Relation
            switch op {
            case .equal: relation = .equal
            case .lessEqual, .less: relation = .lessEqual
            case .greaterEqual, .greater: relation = .greaterEqual
            default: throw Diagnostic("`!=` cannot be a constraint of a convex problem", at: opRange)
            }
            guard let lhs = ModelArithmetic.expression(try evaluate(l)), let rhs = ModelArithmetic.expression(try evaluate(r)) else {
                throw Diagnostic("a constraint compares numbers, matrices or expressions", at: c.expr.range)
            }
            problemConstraints.append(.init(lhs: lhs, relation: relation, rhs: rhs,
                                            origin: c.expr.range.start..<c.expr.range.end,
                                            text: Formatter.format(c.expr, in: file)))
            labels.append(c.label?.name)
        }
        let problemVariables = Set(([goal] + problemConstraints.flatMap { [$0.lhs, $0.rhs] }).flatMap(\.variables))
        for v in problemVariables.sorted(by: { $0.name < $1.name }) {
            if let bound = variableBounds[v] { problemConstraints.append(bound); labels.append(nil) }
        }
        return (OptimizationProblem(sense: sense == .minimize ? .minimize : .maximize, objective: goal,
                                    constraints: problemConstraints), labels)
    }

    func solve(_ sense: TiltSyntax.ObjectiveSense, _ objective: Expr, _ constraints: [Constraint], options: [CallArgument],
               statement: Stmt, file: SourceFile) throws {
        let settings = try solverSettings(options, of: statement)
        let (problem, labels) = try buildProblem(sense, objective, constraints, file: file)
        let problemVariables = Set(([problem.objective] + problem.constraints.flatMap { [$0.lhs, $0.rhs] }).flatMap(\.variables))
        let outcome: ProblemSolution
        do {
            outcome = try problem.solve(settings: settings)
        } catch {
            throw located(error, in: statement)
        }
        bindings["status"] = .string(outcome.status.rawValue)
        for v in problemVariables { solution[v] = nil }
        for (label, _) in duals { duals[label] = nil }
        guard outcome.status == .optimal || outcome.status == .almostOptimal, let optimum = outcome.objective else {
            bindings["optval"] = .number(outcome.status == .infeasible ? (sense == .minimize ? .infinity : -.infinity)
                                         : (outcome.status == .unbounded ? (sense == .minimize ? -.infinity : .infinity) : .nan))
            // An iteration limit the program set below the default is the likelier cause than the data.
            let limited = outcome.status == .iterationLimit && settings.maxIterations < SolverSettings().maxIterations
            let hint = limited ? "`max_iter: \(settings.maxIterations)` stopped it before it converged; raise it (the default is \(SolverSettings().maxIterations))"
                : outcome.status == .infeasible ? Self.infeasibilityHint(problem, settings: settings)
                : outcome.status.hint
            throw Diagnostic("the problem is \(outcome.status.description)", at: statement.range, hint: hint)
        }
        bindings["optval"] = .number(optimum)
        for (v, value) in outcome.values { solution[v] = value }
        for (i, label) in labels.enumerated() {
            if let label { duals[label] = Value.normalized(outcome.duals[i]) }
        }
        output("\(sense.rawValue): \(outcome.status.rawValue), optval = \(formatNumber(optimum, significantDigits: Value.numberDigits)) (\(outcome.iterations) iterations\(outcome.iterationSplit.map { ": \($0)" } ?? ""))\n")
    }

    /// Which constraints of an infeasible `solve` conflict: each one the problem is feasible without, found by
    /// solving it again without each in turn (for a problem of at most 12 constraints and 5,000 variable entries, a classroom's or a month's
    /// problem, so the search costs at most a dozen small solves). Without a single
    /// culprit, the constraints contradict each other in a group, and the hint says that.
    static func infeasibilityHint(_ problem: OptimizationProblem, settings: SolverSettings) -> String {
        let general = "the constraints contradict each other: no single one is to blame; relax or drop them one at a time to see which conflict"
        let variables = Set(([problem.objective] + problem.constraints.flatMap { [$0.lhs, $0.rhs] }).flatMap(\.variables))
        let size = variables.reduce(0) { $0 + $1.count }
        guard problem.constraints.count >= 2, problem.constraints.count <= 12, size <= 5_000 else {
            return "some constraints contradict each other (a bound on the weights, a budget, a cap); relax or drop them one at a time to see which"
        }
        var culprits: [String] = []
        for i in problem.constraints.indices {
            var rest = problem
            rest.constraints.remove(at: i)
            guard let outcome = try? rest.solve(settings: settings) else { continue }
            if [.optimal, .almostOptimal, .unbounded].contains(outcome.status) {
                culprits.append("`\(problem.constraints[i].text ?? "constraint \(i + 1)")`")
            }
        }
        switch culprits.count {
        case 0: return general
        case 1: return "without \(culprits[0]) the problem is feasible: it conflicts with the other constraints"
        default: return "without any one of \(culprits.joined(separator: ", ")) the problem is feasible: they conflict with each other"
        }
    }

    /// The solver settings of a `solve` statement's options, with the values they have now.
    func solverSettings(_ options: [CallArgument], of statement: Stmt) throws -> SolverSettings {
        var reader = FormReader(scope: BindingScope(interpreter: self))
        guard let settings = reader.solverSettings(options, of: statement) else {
            throw reader.diagnostics.first ?? Diagnostic("the solver's options cannot be read", at: statement.range)
        }
        return settings
    }

    /// The problem of a `solve` statement, built but not solved, and the solver settings it would be solved
    /// with (`tilt explain`).
    func problem(ofSolve statement: Stmt, in file: SourceFile) throws -> (OptimizationProblem, SolverSettings) {
        guard case .solve(let sense, let objective, let constraints, let options) = statement.kind else {
            throw Diagnostic("not a `solve` statement", at: statement.range)
        }
        currentFile = file
        defer { currentFile = nil }
        return (try buildProblem(sense, objective, constraints, file: file).0, try solverSettings(options, of: statement))
    }

    /// A modelling error as a diagnostic at the span it names, else at the whole statement; other errors as
    /// they are.
    func located(_ error: Error, in statement: Stmt) -> Error {
        guard let e = error as? ModelingError else { return error }
        let range = e.origin.map { SourceRange(start: $0.lowerBound, end: $0.upperBound) } ?? statement.range
        return Diagnostic(e.message, at: range, hint: e.hint)
    }

    /// `dual(label)`: the multiplier of a labelled constraint from the last solve.
    func dual(_ arguments: [CallArgument], at range: SourceRange) throws -> Value {
        guard arguments.count == 1, case .name(let label) = arguments[0].value.kind else {
            throw Diagnostic("`dual` takes the label of a constraint, e.g. dual(budget)", at: range)
        }
        guard let value = duals[label] else {
            throw Diagnostic("no solved constraint is labelled `\(label)`", at: arguments[0].value.range,
                             hint: closestName(to: label, among: duals.keys).map { "did you mean `\($0)`?" }
                                 ?? "label a constraint as `\(label): sum(w) == 1` in a solve statement")
        }
        return value
    }
}
