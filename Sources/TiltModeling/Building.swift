import TiltLinearAlgebra

/// Constructors that check shapes, so that a malformed expression is reported where it is written.
extension ModelExpression {
    public static func variable(_ v: Variable) -> ModelExpression {
        ModelExpression(.variable(v), rows: v.rows, cols: v.cols)
    }

    public static func constant(_ m: Matrix) -> ModelExpression {
        ModelExpression(.constant(m), rows: m.rows, cols: m.cols)
    }

    public static func constant(_ x: Double) -> ModelExpression {
        constant(Matrix(rows: 1, cols: 1, columnMajor: [x]))
    }

    /// The constant value, when the expression has no variable (`c'` written as `transpose(constant c)`
    /// is as constant as `c`).
    public var constantValue: Matrix? {
        if case .constant(let m) = node { return m }
        return dependsOnVariables ? nil : value(at: [:])
    }

    private static func broadcastShape(_ a: ModelExpression, _ b: ModelExpression, _ verb: String) throws -> (Int, Int) {
        if a.rows == b.rows && a.cols == b.cols { return (a.rows, a.cols) }
        if a.isScalar { return (b.rows, b.cols) }
        if b.isScalar { return (a.rows, a.cols) }
        throw ModelingError("cannot \(verb) \(a.shapeDescription) and \(b.shapeDescription)")
    }

    public static func add(_ a: ModelExpression, _ b: ModelExpression) throws -> ModelExpression {
        let (r, c) = try broadcastShape(a, b, "add")
        return ModelExpression(.add(a, b), rows: r, cols: c)
    }

    public static func subtract(_ a: ModelExpression, _ b: ModelExpression) throws -> ModelExpression {
        let (r, c) = try broadcastShape(a, b, "subtract")
        return ModelExpression(.add(a, negate(b)), rows: r, cols: c)
    }

    public static func negate(_ a: ModelExpression) -> ModelExpression {
        ModelExpression(.negate(a), rows: a.rows, cols: a.cols)
    }

    public static func transpose(_ a: ModelExpression) -> ModelExpression {
        ModelExpression(.transpose(a), rows: a.cols, cols: a.rows)
    }

    public static func sum(_ a: ModelExpression) -> ModelExpression {
        ModelExpression(.sum(a), rows: 1, cols: 1)
    }

    /// `a * b`: a matrix product where one side is constant (a 1×1 side scales). The product of two
    /// expressions that both depend on variables is accepted only as a quadratic form `x'x` or `x'P x`,
    /// which becomes `quad(x, P)`.
    public static func multiply(_ a: ModelExpression, _ b: ModelExpression) throws -> ModelExpression {
        if let ma = a.constantValue {
            if ma.isScalar { return ModelExpression(.multiplyElementwise(ma, b), rows: b.rows, cols: b.cols) }
            guard ma.cols == b.rows else { throw ModelingError("cannot multiply \(a.shapeDescription) by \(b.shapeDescription)") }
            return ModelExpression(.multiplyLeft(ma, b), rows: ma.rows, cols: b.cols)
        }
        if let mb = b.constantValue {
            if mb.isScalar { return ModelExpression(.multiplyElementwise(mb, a), rows: a.rows, cols: a.cols) }
            guard a.cols == mb.rows else { throw ModelingError("cannot multiply \(a.shapeDescription) by \(b.shapeDescription)") }
            return ModelExpression(.multiplyRight(a, mb), rows: a.rows, cols: mb.cols)
        }
        if let (scale, x, p) = quadraticForm(a, b) {
            let form = try quad(x, p)
            return scale == 1 ? form : ModelExpression(.multiplyElementwise(Matrix(rows: 1, cols: 1, columnMajor: [scale]), form), rows: 1, cols: 1)
        }
        throw ModelingError("cannot multiply two expressions that both depend on variables",
                            hint: "a quadratic form is written x'P x (or quad(x, P)); otherwise the product is not convex")
    }

    /// Recognises `c·x' * x` and `(c·x' * P) * x` with the same x on both sides (c a constant scale, as in
    /// `2 * w'S w`, which parses as `((2 * w') * S) * w`).
    private static func quadraticForm(_ a: ModelExpression, _ b: ModelExpression) -> (Double, ModelExpression, Matrix?)? {
        guard b.cols == 1 else { return nil }
        /// Splits constant scalings off a row expression: (scale, the rest).
        func peel(_ e: ModelExpression) -> (Double, ModelExpression) {
            switch e.node {
            case .multiplyElementwise(let m, let inner) where m.isScalar:
                let (c, core) = peel(inner)
                return (c * m[0, 0], core)
            case .negate(let inner):
                let (c, core) = peel(inner)
                return (-c, core)
            default: return (1, e)
            }
        }
        let (scale, core) = peel(a)
        switch core.node {
        case .transpose(let x) where x.sameStructure(as: b): return (scale, b, nil)
        case .multiplyRight(let left, let p):
            let (innerScale, innerCore) = peel(left)
            if case .transpose(let x) = innerCore.node, x.sameStructure(as: b) { return (scale * innerScale, b, p) }
            return nil
        default: return nil
        }
    }

    /// Entry-wise product with a constant.
    public static func multiplyElementwise(_ a: ModelExpression, _ b: ModelExpression) throws -> ModelExpression {
        let (r, c) = try broadcastShape(a, b, "multiply element-wise")
        if let ma = a.constantValue { return ModelExpression(.multiplyElementwise(ma, b), rows: r, cols: c) }
        if let mb = b.constantValue { return ModelExpression(.multiplyElementwise(mb, a), rows: r, cols: c) }
        throw ModelingError("cannot multiply two expressions that both depend on variables")
    }

    /// Division by a constant with no zero entry.
    public static func divide(_ a: ModelExpression, by b: Matrix) throws -> ModelExpression {
        guard b.isScalar || (b.rows == a.rows && b.cols == a.cols) else {
            throw ModelingError("cannot divide \(a.shapeDescription) by \(b.shapeDescription)")
        }
        guard !b.storage.contains(0) else { throw ModelingError("division by zero") }
        return ModelExpression(.multiplyElementwise(b.map { 1 / $0 }, a), rows: a.rows, cols: a.cols)
    }

    public static func select(_ a: ModelExpression, rows: [Int]?, cols: [Int]?) throws -> ModelExpression {
        let r = rows ?? Array(0..<a.rows), c = cols ?? Array(0..<a.cols)
        if let bad = r.first(where: { $0 < 0 || $0 >= a.rows }) { throw ModelingError("row \(bad + 1) is out of range: there are \(a.rows) rows") }
        if let bad = c.first(where: { $0 < 0 || $0 >= a.cols }) { throw ModelingError("column \(bad + 1) is out of range: there are \(a.cols) columns") }
        return ModelExpression(.select(a, rows: r, cols: c), rows: r.count, cols: c.count)
    }

    public static func concatenate(_ parts: [ModelExpression], horizontal: Bool) throws -> ModelExpression {
        guard let first = parts.first else { return constant(Matrix(rows: 0, cols: 0)) }
        if horizontal {
            guard parts.allSatisfy({ $0.rows == first.rows }) else { throw ModelingError("cannot place side by side blocks with different numbers of rows") }
            return ModelExpression(.concatenate(parts, horizontal: true), rows: first.rows, cols: parts.reduce(0) { $0 + $1.cols })
        }
        guard parts.allSatisfy({ $0.cols == first.cols }) else { throw ModelingError("cannot stack blocks with different numbers of columns") }
        return ModelExpression(.concatenate(parts, horizontal: false), rows: parts.reduce(0) { $0 + $1.rows }, cols: first.cols)
    }

    /// `quad(x, P) = xᵀPx` (P = I when nil). P must be square of x's length, symmetric (it is symmetrised
    /// when it is not, which leaves xᵀPx unchanged) and positive semidefinite.
    public static func quad(_ x: ModelExpression, _ p: Matrix?) throws -> ModelExpression {
        guard x.cols == 1 else { throw ModelingError("quad needs a column vector, found \(x.shapeDescription)") }
        guard let p else { return ModelExpression(.atom(.sumSquares, [x]), rows: 1, cols: 1) }
        guard p.rows == x.rows, p.cols == x.rows else {
            throw ModelingError("quad(x, P) needs P to be \(x.rows)×\(x.rows), found \(p.shapeDescription)")
        }
        // P itself when it is exactly symmetric, else ½P + ½Pᵀ (halved first, so that entries near ±1.8e308 do
        // not overflow). Its eigenvalues block by block (each block divided by its largest entry, so that they
        // neither overflow nor underflow): a diagonal P (`diag(E)`) is its own eigenvalues, found by one scan
        // with no decomposition, a dense one is decomposed whole. The sign test is relative to the largest
        // eigenvalue, whatever P's units.
        let half = Matrix(rows: 1, cols: 1, columnMajor: [0.5])
        let symmetric = p.isSymmetric(absoluteTolerance: 0) ? p
            : try Matrix.elementwise(.add, Matrix.elementwise(.multiply, p, half),
                                     Matrix.elementwise(.multiply, p.transposed(), half))
        let size = symmetric.storage.reduce(0) { Swift.max($0, Swift.abs($1)) }
        guard size.isFinite else { throw ModelingError("quad(x, P) needs P's entries to be finite numbers") }
        guard size > 0 else { return ModelExpression(.atom(.quad(symmetric), [x]), rows: 1, cols: 1) }
        let values = try symmetric.symmetricEigenByBlocks().flatMap(\.values)
        let largest = values.map { Swift.abs($0) }.max() ?? 0
        if let smallest = values.min(), smallest < -1e-10 * largest {
            throw ModelingError("quad(x, P) needs P positive semidefinite; its smallest eigenvalue is \(smallest)",
                                hint: "a covariance matrix estimated from fewer observations than assets, or pairwise from data with missing values, may not be positive semidefinite")
        }
        return ModelExpression(.atom(.quad(symmetric), [x]), rows: 1, cols: 1)
    }

    /// An atom applied to arguments, with the atom's shape rule.
    public static func apply(_ atom: Atom, _ arguments: [ModelExpression]) throws -> ModelExpression {
        switch atom {
        case .quad: throw ModelingError("use ModelExpression.quad to build quad")
        case .sumSquares, .norm2, .norm1, .normInf, .logSumExp, .maxEntries, .minEntries:
            guard arguments.count == 1 else { throw ModelingError("\(atom.name) takes one argument") }
            return ModelExpression(.atom(atom, arguments), rows: 1, cols: 1)
        case .abs, .positivePart, .sqrt, .exp, .log, .entropy:
            guard arguments.count == 1 else { throw ModelingError("\(atom.name) takes one argument") }
            return ModelExpression(.atom(atom, arguments), rows: arguments[0].rows, cols: arguments[0].cols)
        case .maximum, .minimum:
            guard arguments.count >= 2 else { throw ModelingError("\(atom.name) of several expressions takes at least two") }
            var shape = (1, 1)
            for a in arguments where !a.isScalar {
                if shape != (1, 1) && shape != (a.rows, a.cols) {
                    throw ModelingError("\(atom.name) of \(shape.0)×\(shape.1) and \(a.shapeDescription): shapes differ")
                }
                shape = (a.rows, a.cols)
            }
            return ModelExpression(.atom(atom, arguments), rows: shape.0, cols: shape.1)
        case .quadOverLinear:
            guard arguments.count == 2 else { throw ModelingError("quad_over_lin takes two arguments, x and y") }
            guard arguments[1].isScalar else { throw ModelingError("quad_over_lin(x, y) needs a number y, found \(arguments[1].shapeDescription)") }
            return ModelExpression(.atom(atom, arguments), rows: 1, cols: 1)
        case .relativeEntropy:
            guard arguments.count == 2 else { throw ModelingError("rel_entr takes two arguments, x and y") }
            let (x, y) = (arguments[0], arguments[1])
            guard x.rows == y.rows, x.cols == y.cols else {
                throw ModelingError("rel_entr(x, y) needs x and y of one shape, found \(x.shapeDescription) and \(y.shapeDescription)")
            }
            return ModelExpression(.atom(atom, arguments), rows: x.rows, cols: x.cols)
        }
    }

    /// Structural equality, ignoring where the expressions were written.
    func sameStructure(as other: ModelExpression) -> Bool {
        guard rows == other.rows, cols == other.cols else { return false }
        switch (node, other.node) {
        case (.variable(let a), .variable(let b)): return a === b
        case (.constant(let a), .constant(let b)): return a.storage == b.storage
        case (.add(let a1, let a2), .add(let b1, let b2)): return a1.sameStructure(as: b1) && a2.sameStructure(as: b2)
        case (.negate(let a), .negate(let b)), (.transpose(let a), .transpose(let b)), (.sum(let a), .sum(let b)):
            return a.sameStructure(as: b)
        case (.multiplyLeft(let ma, let a), .multiplyLeft(let mb, let b)),
             (.multiplyElementwise(let ma, let a), .multiplyElementwise(let mb, let b)):
            return ma.storage == mb.storage && ma.rows == mb.rows && a.sameStructure(as: b)
        case (.multiplyRight(let a, let ma), .multiplyRight(let b, let mb)):
            return ma.storage == mb.storage && ma.rows == mb.rows && a.sameStructure(as: b)
        case (.select(let a, let ra, let ca), .select(let b, let rb, let cb)):
            return ra == rb && ca == cb && a.sameStructure(as: b)
        default: return false
        }
    }
}
