import Testing
@testable import TiltLinearAlgebra

@Test func matrixStoresColumnMajor() {
    let m = Matrix(rowMajor: [[1, 2], [3, 4]])
    #expect(m.storage == [1, 3, 2, 4])
    #expect(m[1, 0] == 3)
    #expect(m.shapeDescription == "2×2")
}
