import TiltLinearAlgebra
import TiltSolver

/// A convex problem as the language states it: minimise or maximise an expression subject to constraints.
public struct OptimizationProblem: Sendable {
    public enum Sense: Sendable { case minimize, maximize }
    public struct Constraint: Sendable {
        public enum Relation: Sendable { case equal, lessEqual, greaterEqual }
        public var lhs: ModelExpression
        public var relation: Relation
        public var rhs: ModelExpression
        /// Where the whole constraint is written.
        public var origin: Range<Int>?
        public var text: String?
        public init(lhs: ModelExpression, relation: Relation, rhs: ModelExpression, origin: Range<Int>? = nil, text: String? = nil) {
            self.lhs = lhs
            self.relation = relation
            self.rhs = rhs
            self.origin = origin
            self.text = text
        }
    }

    public var sense: Sense
    public var objective: ModelExpression
    public var constraints: [Constraint]

    public init(sense: Sense, objective: ModelExpression, constraints: [Constraint]) {
        self.sense = sense
        self.objective = objective
        self.constraints = constraints
    }
}

/// The cone program a problem compiles to, and what is needed to read a solution back in the problem's
/// terms (variable values, constraint duals, the objective's sign).
public struct CompiledProblem: Sendable {
    public var conic: ConicProblem
    /// Column offset of each variable in x.
    public var variableOffsets: [(Variable, Int)]
    /// For each constraint of the problem, the rows of `Ax + s = b` (in the final order) holding its
    /// multipliers, the constraint's shape, and the sign that turns the cone program's multipliers into
    /// CVXPY's convention (−1 for equalities).
    public var constraintRows: [(rows: [Int], shapeRows: Int, shapeCols: Int, sign: Double)]
    /// −1 when the problem maximises (the cone program minimises the negated objective).
    public var objectiveSign: Double

    /// Each variable's value at a solution x.
    public func values(from x: [Double]) -> [(Variable, Matrix)] {
        variableOffsets.map { v, offset in
            (v, Matrix(rows: v.rows, cols: v.cols, columnMajor: Array(x[offset..<(offset + v.count)])))
        }
    }

    /// The multipliers of constraint `index` at a dual solution z, with CVXPY's signs: non-negative for
    /// `<=`/`>=` constraints (the rate at which the optimum improves as the constraint is relaxed); for
    /// `lhs == rhs` the ν of the Lagrangian f + ν(lhs − rhs) of the minimisation.
    public func dual(of index: Int, from z: [Double]) -> Matrix {
        let c = constraintRows[index]
        // An infinite scale (a variance budget of 0) gives +∞ where the cone's multiplier is positive, 0 where it is 0.
        return Matrix(rows: c.shapeRows, cols: c.shapeCols, columnMajor: c.rows.map { z[$0] == 0 ? 0 : c.sign * z[$0] })
    }
}

/// Compiles a DCP problem into Clarabel's standard form by a chain of reductions: DCP check → epigraph
/// canonicalisation of every atom (each becomes a new variable and cone constraints) → assembly of
/// `P, q, A, b, K` with the cones ordered zero, non-negative, second-order, exponential.
/// Quadratic terms of the objective (`quad`, `sumsq` with an affine argument, non-negative weight) go
/// into P rather than a cone, so a QP stays a QP.
public struct ConeCompiler {
    private enum Kind: Int { case zero = 0, nonnegative, secondOrder, exponential }
    /// `ownedRows`: how many of the block's first rows carry the owner's multipliers (nil: all).
    private struct Block { var kind: Kind; var map: AffineMap; var owner: Int?; var ownedRows: Int? = nil }

    private var variableOffsets: [(Variable, Int)] = []
    private var offsetOf: [Variable: Int] = [:]
    private var columns = 0
    private var blocks: [Block] = []
    /// Which constraint of the problem the blocks being added belong to (for duals).
    private var currentOwner: Int?

    public static func compile(_ problem: OptimizationProblem) throws -> CompiledProblem {
        var compiler = ConeCompiler()
        return try compiler.run(problem)
    }

    private mutating func run(_ problem: OptimizationProblem) throws -> CompiledProblem {
        try check(problem)
        for v in problem.objective.variables + problem.constraints.flatMap({ $0.lhs.variables + $0.rhs.variables })
        where offsetOf[v] == nil {
            offsetOf[v] = columns
            variableOffsets.append((v, columns))
            columns += v.count
        }
        var ownedBlocks: [Int: (rows: Int, cols: Int, sign: Double)] = [:]
        for (index, c) in problem.constraints.enumerated() {
            let firstBlock = blocks.count
            if let budget = try varianceBudget(c) {
                // Σ wᵢ‖yᵢ‖² ≤ K as one second-order cone ‖(√wᵢ yᵢ)ᵢ‖ ≤ √K; its multiplier z₀ is 2√K times the
                // budget's (d optimum/dK = z₀ · d√K/dK), which is +∞ at K = 0 where z₀ > 0.
                currentOwner = index
                add(.secondOrder, AffineMap.stacked([AffineMap.constant([budget.limit.squareRoot()])] + budget.parts), ownedRows: 1)
                ownedBlocks[index] = (1, 1, budget.limit > 0 ? 1 / (2 * budget.limit.squareRoot()) : .infinity)
                currentOwner = nil
                try checkFinite(blocks[firstBlock...].map(\.map), [], what: "`\(c.text ?? "the constraint")`", at: c.origin)
                continue
            }
            // Epigraph cones of the sides belong to no constraint; only the relation's own rows carry
            // the constraint's multipliers.
            let lhs = try affine(c.lhs), rhs = try affine(c.rhs)
            currentOwner = index
            switch c.relation {
            case .equal: add(.zero, lhs + -rhs)
            case .lessEqual: add(.nonnegative, rhs + -lhs)
            case .greaterEqual: add(.nonnegative, lhs + -rhs)
            }
            let shape = c.lhs.isScalar ? (c.rhs.rows, c.rhs.cols) : (c.lhs.rows, c.lhs.cols)
            ownedBlocks[index] = (shape.0, shape.1, c.relation == .equal ? -1 : 1)
            currentOwner = nil
            try checkFinite(blocks[firstBlock...].map(\.map), [], what: "`\(c.text ?? "the constraint")`", at: c.origin)
        }
        let sign: Double = problem.sense == .minimize ? 1 : -1
        let firstObjectiveBlock = blocks.count
        let objective = try objectiveParts(problem.objective, sign: sign)
        try checkFinite(blocks[firstObjectiveBlock...].map(\.map) + [objective.linear], objective.quadratic,
                        what: "the objective", at: problem.objective.origin)
        return assemble(objective, sign: sign, constraintCount: problem.constraints.count, shapes: ownedBlocks)
    }

    // MARK: DCP check

    private func check(_ problem: OptimizationProblem) throws {
        guard problem.objective.isScalar else {
            throw ModelingError("the objective must be a single number, found \(problem.objective.shapeDescription)",
                                at: problem.objective.origin, hint: "sum(…) or a norm makes a number of a vector")
        }
        let sense = problem.sense == .minimize ? "minimize" : "maximize"
        if let v = DCPAnalysis.objectiveViolation(problem.objective, sense: sense,
                                                  wanted: problem.sense == .minimize ? .convex : .concave) {
            throw v
        }
        for c in problem.constraints {
            guard c.lhs.isScalar || c.rhs.isScalar || (c.lhs.rows == c.rhs.rows && c.lhs.cols == c.rhs.cols) else {
                throw ModelingError("cannot compare \(c.lhs.shapeDescription) with \(c.rhs.shapeDescription)", at: c.origin)
            }
            let l = DCPAnalysis.analyze(c.lhs), r = DCPAnalysis.analyze(c.rhs)
            if let v = l.violation ?? r.violation { throw v }
            let constraintText = c.text.map { "`\($0)`" } ?? "a constraint"
            switch c.relation {
            case .equal:
                for (side, result) in [(c.lhs, l), (c.rhs, r)] where !result.curvature.isAffine {
                    throw ModelingError("\(constraintText) is not DCP: both sides of `==` must be affine, but `\(side.displayText)` is \(result.curvature.rawValue)",
                                        at: side.origin ?? c.origin, hint: "write the constraint with `<=` or `>=`")
                }
            case .lessEqual, .greaterEqual:
                let (small, big) = c.relation == .lessEqual ? ((c.lhs, l), (c.rhs, r)) : ((c.rhs, r), (c.lhs, l))
                if !small.1.curvature.isConvex {
                    throw ModelingError("\(constraintText) is not DCP: the smaller side must be convex, but `\(small.0.displayText)` is \(small.1.curvature.rawValue)",
                                        at: small.0.origin ?? c.origin, hint: "convex <= concave, or concave >= convex")
                }
                if !big.1.curvature.isConcave {
                    throw ModelingError("\(constraintText) is not DCP: the larger side must be concave, but `\(big.0.displayText)` is \(big.1.curvature.rawValue)",
                                        at: big.0.origin ?? c.origin, hint: "convex <= concave, or concave >= convex")
                }
            }
        }
    }

    // MARK: Canonicalisation

    private mutating func newVariable(_ count: Int) -> AffineMap {
        defer { columns += count }
        return AffineMap.variable(offset: columns, count: count)
    }

    /// Coefficients that overflowed while an expression was compiled (`sumsq(1e200 * w)` squares 1e200) are
    /// an error at that expression rather than non-finite solver data.
    /// Repeated terms are summed when the cone program is assembled, so their sums are checked too
    /// (`1e308*sum(w) + 1e308*sum(w)`).
    private func checkFinite(_ maps: [AffineMap], _ quadratic: [(row: Int, col: Int, value: Double)], what: String,
                             at origin: Range<Int>?) throws {
        let finite = Self.sumsAreFinite(quadratic.map { ($0.row, $0.col, $0.value) })
            && maps.allSatisfy { $0.constant.allSatisfy(\.isFinite) && Self.sumsAreFinite($0.terms) }
        guard finite else {
            throw ModelingError("the coefficients of \(what) overflow: they go beyond ±1.8e308", at: origin,
                                hint: "rescale the data (e.g. express amounts in millions)")
        }
    }

    /// Whether the terms, and the sums of those at one (row, column), are finite. The sums are formed only
    /// when they could overflow (largest |term| × count beyond the largest double).
    private static func sumsAreFinite(_ terms: [(row: Int, column: Int, value: Double)]) -> Bool {
        let largest = terms.reduce(0) { max($0, abs($1.value)) }
        guard largest.isFinite, !terms.contains(where: { $0.value.isNaN }) else { return false }
        guard largest * Double(terms.count) > Double.greatestFiniteMagnitude else { return true }
        var sums: [Int: [Int: Double]] = [:]
        for t in terms { sums[t.row, default: [:]][t.column, default: 0] += t.value }
        return sums.values.allSatisfy { $0.values.allSatisfy(\.isFinite) }
    }

    private mutating func add(_ kind: Kind, _ map: AffineMap, ownedRows: Int? = nil) {
        guard map.rows > 0 else { return }
        blocks.append(Block(kind: kind, map: map, owner: currentOwner, ownedRows: ownedRows))
    }

    /// A scalar constraint `Σ wᵢ·qᵢ + c ≤ d` (or `d ≥ …`), each qᵢ a `quad` or `sumsq` of an affine
    /// argument with weight wᵢ ≥ 0, c and d constants and K = d − c ≥ 0: a variance budget, such as
    /// `quad(f, S) + sumsq(sqrt(E) .* (w - b)) <= tev^2/12`. Returns K and the vectors √wᵢ·yᵢ with
    /// ‖yᵢ‖² = qᵢ (yᵢ = Lᵀxᵢ for quad(xᵢ, P), P = LLᵀ through the rank-revealing factor of
    /// `squareRootFactor`). Compiled as one second-order cone ‖(√wᵢ yᵢ)ᵢ‖ ≤ √K instead of an epigraph
    /// variable per term and the rotated cones ‖(2y, t − 1)‖ ≤ t + 1, which are nearly degenerate for a
    /// variance of 4e-4 (the natural tracking-error form at 2,000 assets ended 2e-7 from its optimum).
    /// Nil when the constraint has another shape.
    private mutating func varianceBudget(_ c: OptimizationProblem.Constraint) throws -> (limit: Double, parts: [AffineMap])? {
        let (quadratic, bound): (ModelExpression, ModelExpression)
        switch c.relation {
        case .lessEqual: (quadratic, bound) = (c.lhs, c.rhs)
        case .greaterEqual: (quadratic, bound) = (c.rhs, c.lhs)
        case .equal: return nil
        }
        guard quadratic.isScalar, bound.isScalar, let limitValue = bound.constantValue?[0, 0], limitValue.isFinite else { return nil }
        var terms: [(Double, Atom, ModelExpression)] = []
        var constant = 0.0
        func split(_ e: ModelExpression, _ weight: Double) -> Bool {
            switch e.node {
            case .add(let a, let b): return split(a, weight) && split(b, weight)
            case .negate(let x): return split(x, -weight)
            case .multiplyElementwise(let m, let x) where m.isScalar && x.isScalar: return split(x, weight * m[0, 0])
            case .constant(let m) where m.isScalar:
                constant += weight * m[0, 0]
                return true
            case .atom(let atom, let arguments) where arguments.count == 1 && weight >= 0:
                switch atom {
                case .quad, .sumSquares:
                    guard DCPAnalysis.analyze(arguments[0]).curvature.isAffine else { return false }
                    if weight > 0 { terms.append((weight, atom, arguments[0])) }
                    return true
                default: return false
                }
            default: return false
            }
        }
        guard split(quadratic, 1), !terms.isEmpty else { return nil }
        let limit = limitValue - constant
        // K = 0 (`risk <= 0`: the benchmark's risk exactly) is the cone ‖·‖ ≤ 0, as `tev <= 0` compiles;
        // the epigraph form's rotated cone with t ≤ 0 has no interior and the method stalls on it.
        guard limit >= 0, limit.isFinite else { return nil }
        let parts = try terms.map { weight, atom, argument in try squareRootFactor(atom, affine(argument)).scaled(weight.squareRoot()) }
        return (limit, parts)
    }

    /// The affine map of an expression, adding epigraph variables and cone constraints for its atoms.
    private mutating func affine(_ e: ModelExpression) throws -> AffineMap {
        switch e.node {
        case .variable(let v):
            return AffineMap.variable(offset: offsetOf[v] ?? 0, count: v.count)
        case .constant(let m):
            return AffineMap.constant(m.storage)
        case .add(let a, let b):
            return try affine(a) + affine(b)
        case .negate(let x):
            return -(try affine(x))
        case .multiplyLeft(let m, let x):
            return try affine(x).multipliedLeft(by: m, innerRows: x.rows)
        case .multiplyRight(let x, let m):
            return try affine(x).multipliedRight(by: m, rowsOfX: x.rows)
        case .multiplyElementwise(let m, let x):
            let inner = try affine(x).broadcast(to: e.count)
            return inner.scaledEntrywise(m.storage.count == 1 ? m.storage : m.storage)
        case .transpose(let x):
            // Entry (i, j) of xᵀ (rows = x.cols) is entry (j, i) of x.
            let source = (0..<e.count).map { k -> Int in let i = k % e.rows, j = k / e.rows; return j + i * x.rows }
            return try affine(x).reindexed(source)
        case .select(let x, let rows, let cols):
            let source = cols.flatMap { j in rows.map { i in i + j * x.rows } }
            return try affine(x).reindexed(source)
        case .concatenate(let parts, let horizontal):
            let maps = try parts.map { try affine($0) }
            if horizontal { return AffineMap.stacked(maps) }
            // Vertical: column j of the result is column j of each part, one after the other.
            let stacked = AffineMap.stacked(maps)
            var source: [Int] = []
            var partStart: [Int] = []
            var offset = 0
            for p in parts { partStart.append(offset); offset += p.count }
            for j in 0..<e.cols { for (p, part) in parts.enumerated() { for i in 0..<part.rows { source.append(partStart[p] + i + j * part.rows) } } }
            return stacked.reindexed(source)
        case .sum(let x):
            return try affine(x).summed()
        case .atom(let atom, let arguments):
            return try epigraph(atom, arguments, shape: e.count)
        }
    }

    /// A new variable t bounding the atom: atom(args) ≤ t for convex atoms, t ≤ atom(args) for concave ones.
    private mutating func epigraph(_ atom: Atom, _ arguments: [ModelExpression], shape: Int) throws -> AffineMap {
        let args = try arguments.map { try affine($0) }
        let x = args.first ?? AffineMap(rows: 0)
        switch atom {
        case .sumSquares, .quad:
            let y = try squareRootFactor(atom, x)
            let t = newVariable(1)
            add(.secondOrder, AffineMap.stacked([t + AffineMap.constant([1]), t + AffineMap.constant([-1]), y.scaled(2)]))
            return t
        case .norm2:
            let t = newVariable(1)
            add(.secondOrder, AffineMap.stacked([t, x]))
            return t
        case .norm1:
            let t = newVariable(1), u = newVariable(x.rows)
            add(.nonnegative, u + -x)
            add(.nonnegative, u + x)
            add(.nonnegative, t + -u.summed())
            return t
        case .normInf:
            let t = newVariable(1)
            add(.nonnegative, t.broadcast(to: x.rows) + -x)
            add(.nonnegative, t.broadcast(to: x.rows) + x)
            return t
        case .abs:
            let t = newVariable(shape)
            add(.nonnegative, t + -x)
            add(.nonnegative, t + x)
            return t
        case .positivePart:
            let t = newVariable(shape)
            add(.nonnegative, t + -x)
            add(.nonnegative, t)
            return t
        case .maxEntries:
            let t = newVariable(1)
            add(.nonnegative, t.broadcast(to: x.rows) + -x)
            return t
        case .minEntries:
            let t = newVariable(1)
            add(.nonnegative, x + -t.broadcast(to: x.rows))
            return t
        case .maximum:
            let t = newVariable(shape)
            for a in args { add(.nonnegative, t + -a.broadcast(to: shape)) }
            return t
        case .minimum:
            let t = newVariable(shape)
            for a in args { add(.nonnegative, a.broadcast(to: shape) + -t) }
            return t
        case .sqrt:
            let t = newVariable(shape)
            for i in 0..<shape {
                let xi = x.reindexed([i]), ti = t.reindexed([i])
                add(.secondOrder, AffineMap.stacked([xi + AffineMap.constant([1]), xi + AffineMap.constant([-1]), ti.scaled(2)]))
            }
            return t
        case .exp:
            let t = newVariable(shape)
            for i in 0..<shape { add(.exponential, AffineMap.stacked([x.reindexed([i]), AffineMap.constant([1]), t.reindexed([i])])) }
            return t
        case .log:
            let t = newVariable(shape)
            for i in 0..<shape { add(.exponential, AffineMap.stacked([t.reindexed([i]), AffineMap.constant([1]), x.reindexed([i])])) }
            return t
        case .entropy:
            let t = newVariable(shape)
            for i in 0..<shape { add(.exponential, AffineMap.stacked([t.reindexed([i]), x.reindexed([i]), AffineMap.constant([1])])) }
            return t
        case .quadOverLinear:
            // ‖x‖² ≤ t·y with y ≥ 0  ⇔  ‖(y − t, 2x)‖ ≤ y + t.
            let y = args[1], t = newVariable(1)
            add(.secondOrder, AffineMap.stacked([y + t, y + -t, x.scaled(2)]))
            return t
        case .relativeEntropy:
            // x log(x / y) ≤ t  ⇔  x exp(−t / x) ≤ y  ⇔  (−t, x, y) ∈ K_exp.
            let y = args[1], t = newVariable(shape)
            for i in 0..<shape { add(.exponential, AffineMap.stacked([-t.reindexed([i]), x.reindexed([i]), y.reindexed([i])])) }
            return t
        case .logSumExp:
            let t = newVariable(1), u = newVariable(x.rows)
            for i in 0..<x.rows {
                add(.exponential, AffineMap.stacked([x.reindexed([i]) + -t, AffineMap.constant([1]), u.reindexed([i])]))
            }
            add(.nonnegative, AffineMap.constant([1]) + -u.summed())
            return t
        }
    }

    /// y with ‖y‖² = xᵀPx: y = Lᵀx where P = L Lᵀ (from the eigen-decomposition, so a semidefinite P works).
    /// P is decomposed block by block, so a diagonal P gives the diagonal Lᵀ = diag(√pᵢᵢ) without a decomposition.
    private func squareRootFactor(_ atom: Atom, _ x: AffineMap) throws -> AffineMap {
        guard case .quad(let p) = atom else { return x }
        let blocks = try p.symmetricEigenByBlocks()
        let largest = blocks.flatMap { $0.values.map(abs) }.max() ?? 0
        // (block, eigenvalue's position in it) for each eigenvalue kept: a row of Lᵀ.
        var kept: [(block: Int, k: Int)] = []
        for (b, block) in blocks.enumerated() {
            for (k, lambda) in block.values.enumerated() where lambda > 1e-12 * Swift.max(1, largest) { kept.append((b, k)) }
        }
        var lt = Matrix(rows: kept.count, cols: p.rows)
        for (r, (b, k)) in kept.enumerated() {
            let (indices, values, vectors) = blocks[b]
            let s = values[k].squareRoot()
            for (a, i) in indices.enumerated() { lt[r, i] = vectors[a, k] * s }
        }
        return x.multipliedLeft(by: lt, innerRows: p.rows)
    }

    // MARK: Objective

    private struct ObjectiveParts {
        /// Upper triangle of P as triplets (duplicates add up).
        var quadratic: [(row: Int, col: Int, value: Double)] = []
        var linear: AffineMap = AffineMap(rows: 1)
    }

    /// Splits `sign × objective` into ½xᵀPx (from quad/sumsq terms with non-negative weight) and an
    /// affine part (everything else, through epigraphs).
    private mutating func objectiveParts(_ objective: ModelExpression, sign: Double) throws -> ObjectiveParts {
        var parts = ObjectiveParts()
        var terms: [(Double, ModelExpression)] = []
        func split(_ e: ModelExpression, _ weight: Double) {
            switch e.node {
            case .add(let a, let b): split(a, weight); split(b, weight)
            case .negate(let x): split(x, -weight)
            case .multiplyElementwise(let m, let x) where m.isScalar && x.isScalar: split(x, weight * m[0, 0])
            default: terms.append((weight, e))
            }
        }
        split(objective, sign)
        for (weight, term) in terms {
            if weight >= 0, case .atom(let atom, let arguments) = term.node, arguments.count == 1,
               DCPAnalysis.analyze(arguments[0]).curvature.isAffine {
                let p: SymmetricNonZeros?
                switch atom {
                case .quad(let m): p = SymmetricNonZeros(m)
                case .sumSquares: p = nil
                default: parts.linear = parts.linear + (try affine(term)).scaled(weight); continue
                }
                addQuadratic(try liftingDenseRows(affine(arguments[0]), p), p, weight: weight, into: &parts)
            } else {
                parts.linear = parts.linear + (try affine(term)).scaled(weight)
            }
        }
        return parts
    }

    /// A `quad` atom's P (exactly symmetric, as `ModelExpression.quad` stores it) by its non-zeros, gathered
    /// in one pass down its columns: column r's (row, value) pairs in ascending rows, which by symmetry are
    /// also row r's. Lifting and assembly then touch P's non-zeros only: the n of a diagonal
    /// `quad(w - b, diag(E))`, not its n² entries.
    private struct SymmetricNonZeros {
        let columns: [[(row: Int, value: Double)]]

        init(_ p: Matrix) {
            columns = p.storage.withUnsafeBufferPointer { a in
                (0..<p.cols).map { j in (0..<p.rows).compactMap { i in a[i + j * p.rows] != 0 ? (i, a[i + j * p.rows]) : nil } }
            }
        }

        func hasDiagonal(_ r: Int) -> Bool { columns[r].contains { $0.row == r } }
    }

    /// The argument Ex + c of an objective's `quad(·, P)` or `sumsq(·)` with each row of more than one term
    /// replaced by a new variable yᵣ = Eᵣx + cᵣ (an equality row), when that makes the cone program smaller:
    /// CVXPY's reduction of a quadratic form of an affine argument to one of a variable, applied where it
    /// pays. Without it EᵀPE is expanded into P, and a few rows that each touch all n weights
    /// (`quad(F' * w, S)`, `sumsq(L' * F' * w)` with F n×K) make P a dense n×n matrix, built from K²n²
    /// products; lifted, P is K×K and A gains the K·n entries of `y == F' * w`, as a user writing
    /// `var f[K]` with `f == F' * w` and `quad(f, S)` has it. The rule compares entries: the expanded P's
    /// upper triangle (its distinct (column, column) pairs, counted until they pass the other side) against
    /// the lifted form's — P's upper triangle on the rows with terms, plus each lifted row's terms and its
    /// y in A. So `quad(w, Sigma)` (one term a row: nothing to lift), the strategy's `[L'f; √E ∘ (w − b)]`
    /// (a K×K block) and a least-squares `sumsq(A*x - y)` with more observations than unknowns keep their
    /// expanded P. The epigraph and variance-budget forms need no such step: their cones hold L'(Ex + c),
    /// whose terms are linear in E's.
    private mutating func liftingDenseRows(_ x: AffineMap, _ p: SymmetricNonZeros?) -> AffineMap {
        let byRow = x.termsByRow
        // A row P leaves out is neither counted nor lifted (a zero diagonal entry of a semidefinite P zeroes its
        // row and column: the intercept of a month's bordered `Sigma_f`).
        let used = (0..<x.rows).filter { r in !byRow[r].isEmpty && p.map { $0.hasDiagonal(r) } ?? true }
        let dense = used.filter { byRow[$0].count > 1 }
        guard !dense.isEmpty else { return x }
        var isUsed = [Bool](repeating: false, count: x.rows)
        for r in used { isUsed[r] = true }
        /// The rows P couples with row r, ascending (r alone for sumsq).
        func coupled(_ r: Int) -> [Int] { p.map { p in p.columns[r].map(\.row).filter { isUsed[$0] } } ?? [r] }
        var liftedEntries = dense.reduce(0) { $0 + byRow[$1].count + 1 }
        for r1 in used { liftedEntries += coupled(r1).filter { $0 >= r1 }.count }
        // The expanded P's pairs as `addQuadratic` forms them, keyed c1·columns + c2.
        var expanded = Set<Int>()
        search: for r1 in used {
            for r2 in coupled(r1) {
                for (c1, _) in byRow[r1] {
                    for (c2, _) in byRow[r2] where c1 <= c2 {
                        expanded.insert(c1 * columns + c2)
                        if expanded.count > liftedEntries { break search }
                    }
                }
            }
        }
        guard expanded.count > liftedEntries else { return x }
        let y = newVariable(dense.count)
        add(.zero, y + -x.reindexed(dense))
        var lifted = [Bool](repeating: false, count: x.rows)
        for r in dense { lifted[r] = true }
        var out = AffineMap(rows: x.rows, constant: x.constant)
        out.terms = x.terms.filter { !lifted[$0.row] }
        for (k, r) in dense.enumerated() {
            out.terms.append((r, y.terms[k].column, 1))
            out.constant[r] = 0
        }
        return out
    }

    /// weight × (Ex + c)ᵀP(Ex + c) = ½xᵀ(2w EᵀPE)x + 2w cᵀPE x + w cᵀPc  (P = I when nil).
    /// With P = I (sumsq, the risk of a factor model) the work is linear in the number of terms.
    private func addQuadratic(_ x: AffineMap, _ p: SymmetricNonZeros?, weight: Double, into parts: inout ObjectiveParts) {
        let byRow = x.termsByRow
        let n = x.rows
        let rows = (0..<n).filter { !byRow[$0].isEmpty }
        func addPair(_ r1: Int, _ r2: Int, _ prr: Double) {
            for (c1, v1) in byRow[r1] {
                for (c2, v2) in byRow[r2] where c1 <= c2 {
                    parts.quadratic.append((c1, c2, 2 * weight * prr * v1 * v2))
                }
            }
        }
        // P·c, the constant's image (only where c is not zero).
        var pc = [Double](repeating: 0, count: n)
        if let p {
            for r1 in rows { for (r2, v) in p.columns[r1] where !byRow[r2].isEmpty { addPair(r1, r2, v) } }
            for r2 in 0..<n where x.constant[r2] != 0 { for (r1, v) in p.columns[r2] { pc[r1] += v * x.constant[r2] } }
        } else {
            for r in rows { addPair(r, r, 1) }
            pc = x.constant
        }
        for r in 0..<n where pc[r] != 0 {
            for (col, v) in byRow[r] { parts.linear.terms.append((0, col, 2 * weight * pc[r] * v)) }
            parts.linear.constant[0] += weight * pc[r] * x.constant[r]
        }
    }

    // MARK: Assembly

    private func assemble(_ objective: ObjectiveParts, sign: Double, constraintCount: Int,
                          shapes: [Int: (rows: Int, cols: Int, sign: Double)]) -> CompiledProblem {
        let ordered = blocks.enumerated().sorted { ($0.element.kind.rawValue, $0.offset) < ($1.element.kind.rawValue, $1.offset) }.map(\.element)
        var triplets: [(row: Int, col: Int, value: Double)] = []
        triplets.reserveCapacity(ordered.reduce(0) { $0 + $1.map.terms.count })
        var b: [Double] = []
        var cones: [ConeSpec] = []
        var rowsOf = [[Int]](repeating: [], count: constraintCount)
        var row = 0
        for block in ordered {
            // s = M x + c ∈ K  ⇔  (−M) x + s = c.
            for t in block.map.terms { triplets.append((row + t.row, t.column, -t.value)) }
            b.append(contentsOf: block.map.constant)
            if let owner = block.owner { rowsOf[owner].append(contentsOf: row..<(row + (block.ownedRows ?? block.map.rows))) }
            switch block.kind {
            case .zero:
                if case .zero(let k) = cones.last { cones[cones.count - 1] = .zero(k + block.map.rows) } else { cones.append(.zero(block.map.rows)) }
            case .nonnegative:
                if case .nonnegative(let k) = cones.last { cones[cones.count - 1] = .nonnegative(k + block.map.rows) } else { cones.append(.nonnegative(block.map.rows)) }
            case .secondOrder: cones.append(.secondOrder(block.map.rows))
            case .exponential: cones.append(.exponential)
            }
            row += block.map.rows
        }
        var q = [Double](repeating: 0, count: columns)
        for t in objective.linear.terms { q[t.column] += t.value }
        let conic = ConicProblem(P: SparseMatrixCSC(rows: columns, cols: columns, triplets: objective.quadratic), q: q,
                                 A: SparseMatrixCSC(rows: row, cols: columns, triplets: triplets), b: b, cones: cones,
                                 objectiveConstant: objective.linear.constant[0])
        let constraintRows = (0..<constraintCount).map { i in
            (rows: rowsOf[i], shapeRows: shapes[i]?.rows ?? 1, shapeCols: shapes[i]?.cols ?? 1, sign: shapes[i]?.sign ?? 1)
        }
        return CompiledProblem(conic: conic, variableOffsets: variableOffsets, constraintRows: constraintRows,
                               objectiveSign: sign)
    }
}
