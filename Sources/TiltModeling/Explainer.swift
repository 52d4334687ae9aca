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

    /// A constraint's curvature as written (`convex <= constant`) and whether it follows the DCP rules
    /// (affine == affine, convex <= concave, concave >= convex).
    public static func standing(_ c: OptimizationProblem.Constraint) -> (curvature: String, dcp: Bool) {
        let l = DCPAnalysis.analyze(c.lhs).curvature, r = DCPAnalysis.analyze(c.rhs).curvature
        switch c.relation {
        case .equal: return ("\(l.rawValue) == \(r.rawValue)", l.isAffine && r.isAffine)
        case .lessEqual: return ("\(l.rawValue) <= \(r.rawValue)", l.isConvex && r.isConcave)
        case .greaterEqual: return ("\(l.rawValue) >= \(r.rawValue)", l.isConcave && r.isConvex)
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
            let (curvature, ok) = standing(c)
            out.append("  \(c.text ?? "constraint"): \(curvature) — \(ok ? "DCP" : "not DCP")")
            out += tree(c.lhs, indent: 4) + tree(c.rhs, indent: 4)
        }
        do {
            out += try ConeProgramSize(problem).lines
            return (out.joined(separator: "\n") + "\n", nil)
        } catch {
            out.append("not compiled: \(error)")
            return (out.joined(separator: "\n") + "\n", error)
        }
    }
}

/// The size of the cone program a problem compiles to: variables, rows by cone kind (in order of first
/// appearance), the number of second-order and exponential cones, and the non-zeros of P and A.
public struct ConeProgramSize: Sendable, Codable, Equatable {
    public var variables: Int
    public var rows: Int
    /// Rows per kind of cone: "zero", "nonnegative", "second-order", "exponential".
    public var rowsByCone: [ConeRows]
    public var secondOrderCones: Int
    public var exponentialCones: Int
    /// Entries of P's upper triangle and non-zeros of A.
    public var quadraticEntries: Int
    public var constraintNonzeros: Int

    public struct ConeRows: Sendable, Codable, Equatable {
        public var cone: String
        public var rows: Int
    }

    /// Compiles `problem` (throws what solving it would report when it does not compile).
    public init(_ problem: OptimizationProblem) throws {
        let conic = try ConeCompiler.compile(problem).conic
        var rowsByCone: [ConeRows] = []
        for cone in conic.cones {
            let name: String
            switch cone {
            case .zero: name = "zero"
            case .nonnegative: name = "nonnegative"
            case .secondOrder: name = "second-order"
            case .exponential: name = "exponential"
            }
            if let i = rowsByCone.firstIndex(where: { $0.cone == name }) {
                rowsByCone[i].rows += cone.dimension
            } else {
                rowsByCone.append(ConeRows(cone: name, rows: cone.dimension))
            }
        }
        variables = conic.variableCount
        rows = conic.constraintCount
        self.rowsByCone = rowsByCone
        secondOrderCones = conic.cones.filter { if case .secondOrder = $0 { return true }; return false }.count
        exponentialCones = conic.cones.filter { $0 == .exponential }.count
        quadraticEntries = conic.P.nonzeroCount
        constraintNonzeros = conic.A.nonzeroCount
    }

    /// As `tilt explain` prints it.
    public var lines: [String] {
        ["cone program: \(variables) variables, \(rows) rows "
            + "(" + rowsByCone.map { "\($0.cone) \($0.rows)" }.joined(separator: ", ") + ")"
            + (secondOrderCones > 0 ? ", \(secondOrderCones) second-order cone\(secondOrderCones == 1 ? "" : "s")" : "")
            + (exponentialCones > 0 ? ", \(exponentialCones) exponential cone\(exponentialCones == 1 ? "" : "s")" : ""),
         "  P: \(quadraticEntries) entries (upper triangle); A: \(constraintNonzeros) non-zeros"]
    }
}
