import TiltLinearAlgebra

/// An affine function of the stacked decision vector x: `vec(expression) = M x + c`, with M kept as a
/// list of (row, column, value) terms (duplicates add up). The compiler turns every affine expression
/// into one of these; the cone program's A is assembled from them.
struct AffineMap {
    /// Length of vec(expression) (column-major).
    var rows: Int
    var terms: [(row: Int, column: Int, value: Double)]
    var constant: [Double]

    init(rows: Int, terms: [(row: Int, column: Int, value: Double)] = [], constant: [Double]? = nil) {
        self.rows = rows
        self.terms = terms
        self.constant = constant ?? Array(repeating: 0, count: rows)
    }

    /// The identity on `count` consecutive columns starting at `offset`.
    static func variable(offset: Int, count: Int) -> AffineMap {
        AffineMap(rows: count, terms: (0..<count).map { ($0, offset + $0, 1) })
    }

    static func constant(_ values: [Double]) -> AffineMap {
        AffineMap(rows: values.count, constant: values)
    }

    /// Repeats a 1-row map `count` times (a scalar broadcast against a vector).
    func broadcast(to count: Int) -> AffineMap {
        guard rows == 1, count != 1 else { return self }
        var out = AffineMap(rows: count, constant: Array(repeating: constant[0], count: count))
        out.terms.reserveCapacity(terms.count * count)
        for i in 0..<count { for t in terms { out.terms.append((i, t.column, t.value)) } }
        return out
    }

    static func + (a: AffineMap, b: AffineMap) -> AffineMap {
        let n = max(a.rows, b.rows)
        let x = a.broadcast(to: n), y = b.broadcast(to: n)
        var out = x
        out.terms.append(contentsOf: y.terms)
        for i in 0..<n { out.constant[i] += y.constant[i] }
        return out
    }

    func scaled(_ s: Double) -> AffineMap {
        AffineMap(rows: rows, terms: terms.map { ($0.row, $0.column, $0.value * s) }, constant: constant.map { $0 * s })
    }

    static prefix func - (a: AffineMap) -> AffineMap { a.scaled(-1) }

    /// Rows picked (and possibly repeated) in a new order: new row i is old row `source[i]`.
    func reindexed(_ source: [Int]) -> AffineMap {
        var targets = [[Int]](repeating: [], count: rows)
        for (new, old) in source.enumerated() { targets[old].append(new) }
        var out = AffineMap(rows: source.count, constant: source.map { constant[$0] })
        for t in terms { for new in targets[t.row] { out.terms.append((new, t.column, t.value)) } }
        return out
    }

    /// Entry-wise scaling by a vector of the same length (or a single factor).
    func scaledEntrywise(_ factors: [Double]) -> AffineMap {
        if factors.count == 1 { return scaled(factors[0]) }
        return AffineMap(rows: rows, terms: terms.map { ($0.row, $0.column, $0.value * factors[$0.row]) },
                         constant: zip(constant, factors).map(*))
    }

    /// vec(A X) for a constant A (p×q) and X (q×c) given by this map.
    func multipliedLeft(by a: Matrix, innerRows q: Int) -> AffineMap {
        let p = a.rows
        let c = q == 0 ? 0 : rows / q
        // A's non-zeros column by column (`entryRow`, `entryValue` from `columnStart[k]`), so that a sparse
        // A (a selection, dummies) costs its non-zeros only.
        var columnStart = [Int](repeating: 0, count: a.cols + 1)
        var entryRow: [Int] = [], entryValue: [Double] = []
        a.storage.withUnsafeBufferPointer { storage in
            for k in 0..<a.cols {
                for i in 0..<p where storage[i + k * p] != 0 {
                    entryRow.append(i)
                    entryValue.append(storage[i + k * p])
                }
                columnStart[k + 1] = entryRow.count
            }
        }
        var out = AffineMap(rows: p * c)
        out.terms.reserveCapacity(terms.reduce(0) { $0 + columnStart[$1.row % q + 1] - columnStart[$1.row % q] })
        for t in terms {
            let k = t.row % q, j = t.row / q
            for e in columnStart[k]..<columnStart[k + 1] {
                out.terms.append((entryRow[e] + j * p, t.column, entryValue[e] * t.value))
            }
        }
        for (row, value) in constant.enumerated() where value != 0 {
            let k = row % q, j = row / q
            for e in columnStart[k]..<columnStart[k + 1] { out.constant[entryRow[e] + j * p] += entryValue[e] * value }
        }
        return out
    }

    /// vec(X A) for X (r×q) given by this map and a constant A (q×c).
    func multipliedRight(by a: Matrix, rowsOfX r: Int) -> AffineMap {
        let c = a.cols
        var out = AffineMap(rows: r * c)
        var rowEntries = [[(Int, Double)]](repeating: [], count: a.rows)
        for k in 0..<a.rows { for j in 0..<c where a[k, j] != 0 { rowEntries[k].append((j, a[k, j])) } }
        for t in terms {
            let i = t.row % r, k = t.row / r
            for (j, akj) in rowEntries[k] { out.terms.append((i + j * r, t.column, t.value * akj)) }
        }
        for (row, value) in constant.enumerated() where value != 0 {
            let i = row % r, k = row / r
            for (j, akj) in rowEntries[k] { out.constant[i + j * r] += value * akj }
        }
        return out
    }

    /// Sum of all rows.
    func summed() -> AffineMap {
        AffineMap(rows: 1, terms: terms.map { (0, $0.column, $0.value) }, constant: [constant.reduce(0, +)])
    }

    /// Stacks maps one after the other.
    static func stacked(_ parts: [AffineMap]) -> AffineMap {
        var out = AffineMap(rows: parts.reduce(0) { $0 + $1.rows }, constant: parts.flatMap(\.constant))
        var offset = 0
        for p in parts {
            for t in p.terms { out.terms.append((t.row + offset, t.column, t.value)) }
            offset += p.rows
        }
        return out
    }

    /// Terms grouped by row: for each row, its (column, value) pairs.
    var termsByRow: [[(column: Int, value: Double)]] {
        var out = [[(column: Int, value: Double)]](repeating: [], count: rows)
        for t in terms { out[t.row].append((t.column, t.value)) }
        return out
    }

    /// The value at a point x.
    func evaluate(at x: [Double]) -> [Double] {
        var out = constant
        for t in terms { out[t.row] += t.value * x[t.column] }
        return out
    }
}
