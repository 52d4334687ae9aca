import TiltLinearAlgebra

/// Sparse linear expressions `e_i(x) = aᵢᵀx + cᵢ` stored row by row (the file's constraint rows).
struct ExpressionRows {
    private(set) var rowPointers: [Int]
    private(set) var columns: [Int]
    private(set) var values: [Double]
    private(set) var constants: [Double]

    /// Groups (row, column, value) entries by row (stable: file order within a row).
    init(rowCount: Int, entries: [(row: Int, col: Int, value: Double)], constants: [Double]) {
        var pointers = [Int](repeating: 0, count: rowCount + 1)
        for entry in entries { pointers[entry.row + 1] += 1 }
        for i in 0..<rowCount { pointers[i + 1] += pointers[i] }
        var next = pointers
        var columns = [Int](repeating: 0, count: entries.count)
        var values = [Double](repeating: 0, count: entries.count)
        for entry in entries {
            columns[next[entry.row]] = entry.col
            values[next[entry.row]] = entry.value
            next[entry.row] += 1
        }
        self.rowPointers = pointers
        self.columns = columns
        self.values = values
        self.constants = constants
    }

    var rowCount: Int { constants.count }
}

/// What a conic slack is made of: a file expression row or a single variable.
enum RowSource {
    case expression(Int)
    case variable(Int)
}

/// A conic slack row `s = Σ weight·source + constant` (at most two sources: enough for the
/// rotated-cone map), and where it came from.
struct SlackRow {
    var first: (source: RowSource, weight: Double)
    var second: (source: RowSource, weight: Double)?
    var constant: Double
    var origin: ConicRowOrigin

    init(_ source: RowSource, weight: Double, constant: Double = 0, origin: ConicRowOrigin) {
        self.first = (source, weight)
        self.second = nil
        self.constant = constant
        self.origin = origin
    }
}

/// Collects slack rows by cone kind and builds Clarabel's `Ax + s = b, s ∈ K` with the cones in the
/// order zero, nonnegative, then second-order and exponential blocks as added. Shared by the MPS
/// and CBF readers so both follow the same conventions.
struct ConicAssembler {
    let variableCount: Int
    let expressions: ExpressionRows
    private var zeroRows: [SlackRow] = []
    private var nonnegativeRows: [SlackRow] = []
    private var blockRows: [SlackRow] = []
    private var blockCones: [ConeSpec] = []

    init(variableCount: Int, expressions: ExpressionRows) {
        self.variableCount = variableCount
        self.expressions = expressions
    }

    /// Adds `lower ≤ source ≤ upper` (either side may be infinite): one zero row when the sides are
    /// equal, otherwise a nonnegative row per finite side (lower first).
    mutating func addInterval(_ source: RowSource, lower: Double, upper: Double,
                              origin: (BoundSide) -> ConicRowOrigin) {
        if lower == upper, lower.isFinite {
            zeroRows.append(SlackRow(source, weight: -1, constant: upper, origin: origin(.equal)))
            return
        }
        if lower.isFinite {
            nonnegativeRows.append(SlackRow(source, weight: 1, constant: -lower, origin: origin(.lower)))
        }
        if upper.isFinite {
            nonnegativeRows.append(SlackRow(source, weight: -1, constant: upper, origin: origin(.upper)))
        }
    }

    /// Adds a slack that must be zero.
    mutating func addZero(_ row: SlackRow) { zeroRows.append(row) }

    /// Adds a slack that must be nonnegative.
    mutating func addNonnegative(_ row: SlackRow) { nonnegativeRows.append(row) }

    /// Adds a second-order or exponential block whose slack coordinates are `rows`, in order.
    mutating func addBlock(_ cone: ConeSpec, rows: [SlackRow]) {
        precondition(cone.dimension == rows.count, "cone block size mismatch")
        blockCones.append(cone)
        blockRows.append(contentsOf: rows)
    }

    /// Builds the conic problem. `quadratic` holds upper-triangle entries of P.
    func build(quadratic: [(row: Int, col: Int, value: Double)], linear: [Double],
               constant: Double) -> (problem: ConicProblem, origins: [ConicRowOrigin]) {
        let rows = zeroRows + nonnegativeRows + blockRows
        var triplets: [(row: Int, col: Int, value: Double)] = []
        var b = [Double](repeating: 0, count: rows.count)
        for (k, row) in rows.enumerated() {
            b[k] = row.constant + append(row.first, at: k, to: &triplets)
            if let second = row.second { b[k] += append(second, at: k, to: &triplets) }
        }
        var cones: [ConeSpec] = []
        if !zeroRows.isEmpty { cones.append(.zero(zeroRows.count)) }
        if !nonnegativeRows.isEmpty { cones.append(.nonnegative(nonnegativeRows.count)) }
        cones += blockCones
        let problem = ConicProblem(
            P: SparseMatrixCSC(rows: variableCount, cols: variableCount, triplets: quadratic),
            q: linear,
            A: SparseMatrixCSC(rows: rows.count, cols: variableCount, triplets: triplets),
            b: b, cones: cones, objectiveConstant: constant)
        return (problem, rows.map(\.origin))
    }

    /// Appends `−weight·a` of one source to row `k` of A; returns the source's contribution to b.
    private func append(_ term: (source: RowSource, weight: Double), at k: Int,
                        to triplets: inout [(row: Int, col: Int, value: Double)]) -> Double {
        switch term.source {
        case .variable(let j):
            triplets.append((k, j, -term.weight))
            return 0
        case .expression(let i):
            for p in expressions.rowPointers[i]..<expressions.rowPointers[i + 1] {
                triplets.append((k, expressions.columns[p], -term.weight * expressions.values[p]))
            }
            return term.weight * expressions.constants[i]
        }
    }
}
