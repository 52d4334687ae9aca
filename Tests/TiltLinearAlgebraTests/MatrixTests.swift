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
