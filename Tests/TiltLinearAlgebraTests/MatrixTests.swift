import Testing
@testable import TiltLinearAlgebra

@Test func matrixStoresColumnMajor() {
    let m = Matrix(rowMajor: [[1, 2], [3, 4]])
    #expect(m.storage == [1, 3, 2, 4])
    #expect(m[1, 0] == 3)
    #expect(m.shapeDescription == "2×2")
}

/// `selecting` against the definition `result[t, k] = A[rows[t], cols[k]]`: a window of consecutive rows
/// (copied in blocks), scattered rows with repeats, all rows or columns, empty selections, and a bad index.
@Test func selectingPicksTheGivenRowsAndColumns() throws {
    let a = Matrix(rows: 5, cols: 4, columnMajor: (0..<20).map(Double.init),
                   rowLabels: ["r0", "r1", "r2", "r3", "r4"], colLabels: ["c0", "c1", "c2", "c3"])
    for (rows, cols) in [([1, 2, 3], [3, 0]), ([4, 0, 4], [1]), ([2], [0, 1, 2, 3]), ([], [1]), ([1, 2], [])] as [([Int], [Int])] {
        let s = try a.selecting(rows: rows, cols: cols)
        #expect(s.rows == rows.count && s.cols == cols.count)
        for (t, i) in rows.enumerated() { for (k, j) in cols.enumerated() { #expect(s[t, k] == a[i, j]) } }
        #expect(s.rowLabels == rows.map { "r\($0)" })
        #expect(s.colLabels == cols.map { "c\($0)" })
    }
    #expect(try a.selecting(rows: nil, cols: [2]).storage == [10, 11, 12, 13, 14])
    #expect(try a.selecting(rows: [3, 4], cols: nil).storage == [3, 4, 8, 9, 13, 14, 18, 19])
    #expect(throws: LinearAlgebraError.self) { try a.selecting(rows: [5], cols: nil) }
}

/// `symmetricEigenByBlocks` against `symmetricEigen` of the whole matrix: blocks {0, 3}, {1}, {2, 4, 5}
/// interleaved (the components of the non-zero pattern), their eigenvalues together the whole's, and each
/// eigenvector, padded with zeros, satisfies A·v = λ·v. A diagonal matrix is n blocks of its own entries
/// (including a negative one); a dense matrix is one block.
@Test func symmetricEigenByBlocksSplitsTheNonZeroPattern() throws {
    var a = Matrix(rows: 6, cols: 6)
    for (i, j, value) in [(0, 0, 2.0), (0, 3, 1), (3, 3, -1), (1, 1, 5), (2, 2, 1), (2, 4, 3), (4, 5, -2), (4, 4, 4), (5, 5, 1e-3)] {
        a[i, j] = value
        a[j, i] = value
    }
    let blocks = try a.symmetricEigenByBlocks()
    #expect(blocks.map(\.indices) == [[0, 3], [1], [2, 4, 5]])
    let whole = try a.symmetricEigen().values
    let together = blocks.flatMap(\.values).sorted()
    #expect(zip(whole, together).allSatisfy { abs($0 - $1) <= 1e-12 * 6 })
    for (indices, values, vectors) in blocks {
        for (k, lambda) in values.enumerated() {
            var v = [Double](repeating: 0, count: 6)
            for (position, i) in indices.enumerated() { v[i] = vectors[position, k] }
            for i in 0..<6 {
                let av = (0..<6).reduce(0) { $0 + a[i, $1] * v[$1] }
                #expect(abs(av - lambda * v[i]) <= 1e-12 * 6)
            }
        }
    }
    let diagonal = Matrix.diagonal(Matrix(column: [3, -2, 0, 7]))
    let diagonalBlocks = try diagonal.symmetricEigenByBlocks()
    #expect(diagonalBlocks.map(\.indices) == [[0], [1], [2], [3]])
    #expect(diagonalBlocks.map(\.values) == [[3], [-2], [0], [7]])
    let dense = Matrix(rowMajor: [[2, 1e-9, 1e-9], [1e-9, 2, 1e-9], [1e-9, 1e-9, 2]])
    #expect(try dense.symmetricEigenByBlocks().map(\.indices) == [[0, 1, 2]])
}
