import TiltSolver

/// What `tilt explain` shows for a problem: the curvature and sign of every written sub-expression, each
/// constraint's DCP standing, and the size of the cone program it compiles to.
public enum Explainer {
    /// The curvature tree of an expression, one line per sub-expression as written.
    public static func tree(_ e: ModelExpression, indent: Int = 2) -> [String] {
        var lines: [String] = []
        func visit(_ e: ModelExpression, depth: Int, parentText: String?) {
            var childDepth = depth
            if let text = e.text, text != parentText {
                let r = DCPAnalysis.analyze(e)
                let pad = String(repeating: " ", count: indent + 2 * depth)
                let what = "\(pad)\(text)"
                var note = "\(r.curvature.rawValue), \(r.sign == .unknown ? "sign unknown" : r.sign.rawValue), \(e.shapeDescription)"
                if case .atom(let atom, _) = e.node { note += ", atom \(atom.name)" }
                lines.append(what.padding(toLength: max(what.count + 2, 44), withPad: " ", startingAt: 0) + note)
                childDepth = depth + 1
            }
            for child in children(e) { visit(child, depth: childDepth, parentText: e.text ?? parentText) }
        }
        visit(e, depth: 0, parentText: nil)
        return lines
    }

    private static func children(_ e: ModelExpression) -> [ModelExpression] {
        switch e.node {
        case .variable, .constant: return []
        case .add(let a, let b): return [a, b]
        case .negate(let x), .multiplyLeft(_, let x), .multiplyRight(let x, _), .multiplyElementwise(_, let x),
             .transpose(let x), .select(let x, _, _), .sum(let x):
            return [x]
        case .concatenate(let xs, _), .atom(_, let xs): return xs
        }
    }

    /// The whole explanation of a problem, and the error that keeps it from compiling to a cone program
    /// (the one solving would report), if any.
    public static func explain(_ problem: OptimizationProblem) -> (text: String, compileError: Error?) {
        var out: [String] = []
        let sense = problem.sense == .minimize ? "minimize" : "maximize"
        let objective = DCPAnalysis.analyze(problem.objective)
        let objectiveOK = problem.sense == .minimize ? objective.curvature.isConvex : objective.curvature.isConcave
        out.append("objective (\(sense)): \(objective.curvature.rawValue) — \(objectiveOK ? "DCP" : "not DCP")")
        out += tree(problem.objective)
        if !problem.constraints.isEmpty { out.append("constraints:") }
        for c in problem.constraints {
            let l = DCPAnalysis.analyze(c.lhs).curvature, r = DCPAnalysis.analyze(c.rhs).curvature
            let relation: String
            let ok: Bool
            switch c.relation {
            case .equal: relation = "=="; ok = l.isAffine && r.isAffine
            case .lessEqual: relation = "<="; ok = l.isConvex && r.isConcave
            case .greaterEqual: relation = ">="; ok = l.isConcave && r.isConvex
            }
            out.append("  \(c.text ?? "constraint"): \(l.rawValue) \(relation) \(r.rawValue) — \(ok ? "DCP" : "not DCP")")
            out += tree(c.lhs, indent: 4) + tree(c.rhs, indent: 4)
        }
        do {
            let compiled = try ConeCompiler.compile(problem)
            let conic = compiled.conic
            var counts: [String: Int] = [:]
            var order: [String] = []
            for cone in conic.cones {
                let name: String
                switch cone {
                case .zero: name = "zero"
                case .nonnegative: name = "nonnegative"
                case .secondOrder: name = "second-order"
                case .exponential: name = "exponential"
                }
                if counts[name] == nil { order.append(name) }
                counts[name, default: 0] += cone.dimension
            }
            let socCount = conic.cones.filter { if case .secondOrder = $0 { return true }; return false }.count
            let expCount = conic.cones.filter { $0 == .exponential }.count
            out.append("cone program: \(conic.variableCount) variables, \(conic.constraintCount) rows "
                       + "(" + order.map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ") + ")"
                       + (socCount > 0 ? ", \(socCount) second-order cone\(socCount == 1 ? "" : "s")" : "")
                       + (expCount > 0 ? ", \(expCount) exponential cone\(expCount == 1 ? "" : "s")" : ""))
            out.append("  P: \(conic.P.nonzeroCount) entries (upper triangle); A: \(conic.A.nonzeroCount) non-zeros")
            return (out.joined(separator: "\n") + "\n", nil)
        } catch {
            out.append("not compiled: \(error)")
            return (out.joined(separator: "\n") + "\n", error)
        }
    }
}
