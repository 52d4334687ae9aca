import Testing
@testable import TiltLinearAlgebra

private func randomSparse(rows: Int, cols: Int, density: Double, using rng: inout SeededGenerator) -> SparseMatrixCSC {
    var triplets: [(row: Int, col: Int, value: Double)] = []
    for j in 0..<cols {
        for i in 0..<rows where Double.random(in: 0..<1, using: &rng) < density {
            triplets.append((i, j, Double.random(in: -1...1, using: &rng)))
        }
    }
    return SparseMatrixCSC(rows: rows, cols: cols, triplets: triplets)
}

private func dense(_ a: SparseMatrixCSC) -> [[Double]] {
    var m = [[Double]](repeating: [Double](repeating: 0, count: a.cols), count: a.rows)
    for j in 0..<a.cols {
        for p in a.colPointers[j]..<a.colPointers[j + 1] { m[a.rowIndices[p]][j] += a.values[p] }
    }
    return m
}

@Test func multiplyMatchesDenseProduct() {
    var rng = SeededGenerator(seed: 3)
    let a = randomSparse(rows: 13, cols: 9, density: 0.3, using: &rng)
    let x = SparseSamples.randomVector(9, using: &rng)
    var y = [Double](repeating: 99, count: 2)   // wrong size on purpose: resized and overwritten
    a.multiply(x, into: &y)
    let reference = dense(a).map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
    #expect(y.count == 13)
    for (yi, ri) in zip(y, reference) { #expect(abs(yi - ri) <= 1e-14) }
}

@Test func multiplySymmetricUpperMatchesDenseSymmetricProduct() {
    var rng = SeededGenerator(seed: 4)
    let sample = SparseSamples.randomQuasiDefinite(primal: 10, dual: 6, density: 0.3, using: &rng)
    let x = SparseSamples.randomVector(16, using: &rng)
    var y = [Double](repeating: 5, count: 16)   // stale values must be cleared
    sample.upper.multiplySymmetricUpper(x, into: &y)
    let reference = SparseSamples.denseSymmetric(sample.upper).map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
    for (yi, ri) in zip(y, reference) { #expect(abs(yi - ri) <= 1e-14) }
}

@Test func transposeMatchesDenseTransposeAndIsAnInvolution() {
    var rng = SeededGenerator(seed: 5)
    let a = randomSparse(rows: 7, cols: 11, density: 0.25, using: &rng)
    let t = a.transposed()
    #expect(t.rows == 11 && t.cols == 7)
    let da = dense(a)
    let dt = dense(t)
    for i in 0..<7 { for j in 0..<11 { #expect(dt[j][i] == da[i][j]) } }
    #expect(t.transposed() == a)
    #expect(SparseMatrixCSC(zeros: 0, 4).transposed() == SparseMatrixCSC(zeros: 4, 0))
}

@Test func structureValidationReportsProblems() {
    #expect(throws: Never.self) { try SparseMatrixCSC(zeros: 3, 2).validateStructure() }
    let short = SparseMatrixCSC(rows: 2, cols: 2, colPointers: [0, 0], rowIndices: [], values: [])
    #expect(throws: SparseMatrixError.invalidStructure("2 column pointers for 2 columns")) {
        try short.validateStructure()
    }
    let mismatched = SparseMatrixCSC(rows: 2, cols: 1, colPointers: [0, 1], rowIndices: [0], values: [])
    #expect(throws: SparseMatrixError.self) { try mismatched.validateStructure() }
}
