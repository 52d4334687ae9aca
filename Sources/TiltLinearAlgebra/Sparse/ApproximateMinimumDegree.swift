/// Fill-reducing ordering for sparse symmetric matrices by the approximate minimum degree algorithm
/// (Amestoy, Davis & Duff, "An approximate minimum degree ordering algorithm", SIAM J. Matrix Anal.
/// Appl. 17(4), 1996), following the structure of SuiteSparse's `amd_2`: quotient graph with element
/// absorption, approximate external degrees, supervariable detection by hashing, mass elimination,
/// optional aggressive absorption and dense-row detection.
///
/// Written here rather than linked: no Debian package exposes AMD (SuiteSparse) through a usable
/// Swift module, and the KKT solver needs only this one routine. Deterministic: ties are broken by
/// the order of the degree lists, which depends only on the input pattern.
public struct ApproximateMinimumDegree {
    /// Tuning knobs, defaults as in SuiteSparse AMD.
    public struct Options: Sendable, Equatable {
        /// Rows with more than `max(16, denseRowFactor·√n)` off-diagonal entries are treated as dense:
        /// removed before ordering and placed last. A negative value disables the detection.
        public var denseRowFactor: Double
        /// Absorb older elements whose pattern becomes a subset of the new element's (cheaper, often
        /// slightly better orderings).
        public var aggressiveAbsorption: Bool

        public init(denseRowFactor: Double = 10, aggressiveAbsorption: Bool = true) {
            self.denseRowFactor = denseRowFactor
            self.aggressiveAbsorption = aggressiveAbsorption
        }
    }

    /// A fill-reducing permutation `p` of the symmetric matrix whose pattern is `matrix ∪ matrixᵀ`
    /// (pass the upper triangle; any lower entries are symmetrised too, the diagonal is ignored).
    /// The permuted matrix is `K[p[i], p[j]]`, i.e. new index `i` is old index `p[i]`.
    public static func ordering(_ matrix: SparseMatrixCSC, options: Options = Options()) throws -> [Int] {
        try matrix.validateSquareStructure()
        let n = matrix.cols
        if n == 0 { return [] }
        var graph = AMDQuotientGraph(adjacency: SymmetricAdjacency(matrix), options: options)
        return graph.eliminateAll()
    }
}

/// Adjacency lists of the graph of `A + Aᵀ` without self loops or duplicate edges.
struct SymmetricAdjacency {
    /// `neighbours[start[i] ..< start[i] + degree[i]]` lists the neighbours of node `i`.
    var start: [Int]
    var degree: [Int]
    var neighbours: [Int]

    init(_ matrix: SparseMatrixCSC) {
        let n = matrix.cols
        var counts = [Int](repeating: 0, count: n)
        for j in 0..<n {
            for p in matrix.colPointers[j]..<matrix.colPointers[j + 1] where matrix.rowIndices[p] != j {
                counts[j] += 1
                counts[matrix.rowIndices[p]] += 1
            }
        }
        var start = [Int](repeating: 0, count: n)
        for i in 1..<max(n, 1) { start[i] = start[i - 1] + counts[i - 1] }
        var fill = start
        var raw = [Int](repeating: 0, count: counts.reduce(0, +))
        for j in 0..<n {
            for p in matrix.colPointers[j]..<matrix.colPointers[j + 1] where matrix.rowIndices[p] != j {
                let i = matrix.rowIndices[p]
                raw[fill[j]] = i
                fill[j] += 1
                raw[fill[i]] = j
                fill[i] += 1
            }
        }
        // Remove duplicate edges (an entry given twice, or both (i,j) and (j,i)), compacting in place.
        var lastSeenBy = [Int](repeating: -1, count: n)
        var degree = [Int](repeating: 0, count: n)
        var out = 0
        for i in 0..<n {
            let first = out
            for p in start[i]..<(start[i] + counts[i]) where lastSeenBy[raw[p]] != i {
                lastSeenBy[raw[p]] = i
                raw[out] = raw[p]
                out += 1
            }
            start[i] = first
            degree[i] = out - first
        }
        raw.removeLast(raw.count - out)
        self.start = start
        self.degree = degree
        self.neighbours = raw
    }
}
