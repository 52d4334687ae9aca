import TiltLinearAlgebra

/// Disciplined convex programming: the curvature and sign of every sub-expression by the composition
/// rules, and — when a rule is broken — the sub-expression that breaks it and the rule, in words.
public enum DCPAnalysis {
    public struct Result: Sendable {
        public var curvature: Curvature
        public var sign: Sign
        /// The first (innermost) rule broken inside the expression.
        public var violation: ModelingError?
    }

    public static func analyze(_ e: ModelExpression) -> Result {
        switch e.node {
        case .variable: return Result(curvature: .affine, sign: .unknown)
        case .constant(let m): return Result(curvature: .constant, sign: Sign.of(m))
        case .add(let a, let b):
            let ra = analyze(a), rb = analyze(b)
            var r = Result(curvature: ra.curvature + rb.curvature, sign: ra.sign + rb.sign,
                           violation: ra.violation ?? rb.violation)
            if r.curvature == .unknown, r.violation == nil {
                r.violation = ModelingError("`\(e.displayText)` adds \(ra.curvature.rawValue) `\(a.displayText)` and \(rb.curvature.rawValue) `\(b.displayText)`, which is neither convex nor concave",
                                            at: e.origin)
            }
            return r
        case .negate(let x):
            let r = analyze(x)
            return Result(curvature: r.curvature.negated, sign: r.sign.negated, violation: r.violation)
        case .multiplyLeft(let m, let x), .multiplyRight(let x, let m), .multiplyElementwise(let m, let x):
            let r = analyze(x)
            let s = Sign.of(m)
            // An element-wise product keeps signs entry by entry; a matrix product is non-negative only
            // when both factors are.
            let isElementwise: Bool
            if case .multiplyElementwise = e.node { isElementwise = true } else { isElementwise = false }
            let sign = isElementwise ? product(s, r.sign) : (s == .nonnegative && r.sign == .nonnegative ? .nonnegative : .unknown)
            var out = Result(curvature: r.curvature, sign: sign, violation: r.violation)
            if !r.curvature.isAffine {
                switch s {
                case .nonnegative: break
                case .nonpositive: out.curvature = r.curvature.negated
                case .unknown:
                    out.curvature = .unknown
                    if out.violation == nil {
                        out.violation = ModelingError("`\(e.displayText)` multiplies \(r.curvature.rawValue) `\(x.displayText)` by a constant with entries of both signs, which is neither convex nor concave",
                                                      at: e.origin)
                    }
                }
            }
            return out
        case .transpose(let x), .select(let x, _, _), .sum(let x):
            return analyze(x)
        case .concatenate(let parts, _):
            let rs = parts.map(analyze)
            var r = Result(curvature: rs.map(\.curvature).reduce(.constant, +),
                           sign: rs.dropFirst().map(\.sign).reduce(rs.first?.sign ?? .unknown, +),
                           violation: rs.compactMap(\.violation).first)
            if r.curvature == .unknown, r.violation == nil {
                r.violation = ModelingError("`\(e.displayText)` joins convex and concave blocks", at: e.origin)
            }
            return r
        case .atom(let atom, let arguments):
            let rs = arguments.map(analyze)
            var out = Result(curvature: atom.curvature, sign: atom.sign(rs.map(\.sign)),
                             violation: rs.compactMap(\.violation).first)
            for (argument, r) in zip(arguments, rs) where !r.curvature.isAffine {
                if let rule = compositionRule(atom, argument: argument, r) {
                    out.curvature = .unknown
                    if out.violation == nil { out.violation = ModelingError(rule, at: e.origin) }
                }
            }
            if rs.allSatisfy({ $0.curvature == .constant }) { out.curvature = .constant }
            return out
        }
    }

    private static func product(_ a: Sign, _ b: Sign) -> Sign {
        switch (a, b) {
        case (.nonnegative, .nonnegative), (.nonpositive, .nonpositive): return .nonnegative
        case (.nonnegative, .nonpositive), (.nonpositive, .nonnegative): return .nonpositive
        default: return .unknown
        }
    }

    /// The broken rule when `atom` is applied to a non-affine argument, or `nil` when the composition is DCP.
    private static func compositionRule(_ atom: Atom, argument: ModelExpression, _ r: Result) -> String? {
        let arg = "`\(argument.displayText)`"
        if r.curvature == .unknown { return nil } // reported inside already
        if atom.needsAffineArgument {
            return "\(atom.name) needs an affine argument, but \(arg) is \(r.curvature.rawValue)"
        }
        let mono = atom.monotonicity(argumentSign: r.sign)
        let convexAtom = atom.curvature == .convex
        switch (convexAtom, mono, r.curvature) {
        case (true, .increasing, .convex), (true, .decreasing, .concave),
             (false, .increasing, .concave), (false, .decreasing, .convex):
            return nil
        default:
            let shape = "\(atom.curvature.rawValue)"
            let monoText: String
            switch mono {
            case .increasing: monoText = "increasing, so its argument must be \(atom.curvature.rawValue)"
            case .decreasing: monoText = "decreasing, so its argument must be \(atom.curvature.negated.rawValue)"
            case .none: monoText = "not monotone\(atom.monotonicity(argumentSign: .nonnegative) == .increasing ? " for an argument of unknown sign" : ""), so its argument must be affine"
            }
            return "\(atom.name) is \(shape) and \(monoText), but \(arg) is \(r.curvature.rawValue)"
        }
    }

    /// Why an objective cannot be minimised (`wanted == .convex`) or maximised (`.concave`): the term that
    /// has the wrong curvature, found through sums, negations and constant scalings.
    public static func objectiveViolation(_ e: ModelExpression, sense: String, wanted: Curvature) -> ModelingError? {
        let r = analyze(e)
        if wanted == .convex ? r.curvature.isConvex : r.curvature.isConcave { return nil }
        // The term with the wrong curvature names the mistake better than the sum it sits in; a rule broken
        // inside that term comes first.
        let term = offendingTerm(e, wanted: wanted) ?? e
        let termResult = analyze(term)
        if let v = termResult.violation { return v }
        let c = termResult.curvature
        return ModelingError("cannot \(sense) \(c.rawValue) `\(term.displayText)`", at: term.origin ?? e.origin,
                             hint: wanted == .convex ? "minimize a convex expression, or maximize a concave one"
                                                     : "maximize a concave expression, or minimize a convex one")
    }

    private static func offendingTerm(_ e: ModelExpression, wanted: Curvature) -> ModelExpression? {
        let c = analyze(e).curvature
        if wanted == .convex ? c.isConvex : c.isConcave { return nil }
        switch e.node {
        case .add(let a, let b):
            return offendingTerm(a, wanted: wanted) ?? offendingTerm(b, wanted: wanted) ?? e
        case .negate(let x):
            return offendingTerm(x, wanted: wanted.negated) ?? e
        case .multiplyElementwise(let m, let x) where m.isScalar:
            return offendingTerm(x, wanted: m[0, 0] >= 0 ? wanted : wanted.negated) ?? e
        case .sum(let x):
            return offendingTerm(x, wanted: wanted) ?? e
        default:
            return e
        }
    }
}
