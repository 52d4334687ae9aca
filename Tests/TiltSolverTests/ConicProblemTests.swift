import Testing
@testable import TiltSolver
import TiltLinearAlgebra

@Test func tripletsSumDuplicatesAndSortRows() {
    let a = SparseMatrixCSC(rows: 3, cols: 2, triplets: [(2, 0, 1), (0, 0, 2), (2, 0, 3), (1, 1, 4)])
    #expect(a.colPointers == [0, 2, 3])
    #expect(a.rowIndices == [0, 2, 1])
    #expect(a.values == [2, 4, 4])
    #expect(ConeSpec.exponential.dimension == 3)
}
