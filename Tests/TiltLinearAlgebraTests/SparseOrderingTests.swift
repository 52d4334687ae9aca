import Testing
@testable import TiltLinearAlgebra

private func upperFromEdges(_ n: Int, _ edges: [(Int, Int)], diagonal: Bool = true) -> SparseMatrixCSC {
    var triplets = edges.map { (row: min($0.0, $0.1), col: max($0.0, $0.1), value: 1.0) }
    if diagonal { triplets += (0..<n).map { (row: $0, col: $0, value: 4.0) } }
    return SparseMatrixCSC(rows: n, cols: n, triplets: triplets)
}

@Test func amdReturnsValidPermutationOnEdgeCases() throws {
    let dense = upperFromEdges(30, (0..<30).flatMap { j in (0..<j).map { ($0, j) } })
    let disconnected = upperFromEdges(10, [(0, 1), (1, 2), (5, 6), (7, 8), (8, 9), (7, 9)])
    let arrow = upperFromEdges(400, (0..<399).map { ($0, 399) } + (0..<398).map { ($0, $0 + 1) })
    let star = upperFromEdges(50, (1..<50).map { (0, $0) })
    let cases: [(String, SparseMatrixCSC)] = [
        ("empty", SparseMatrixCSC(zeros: 0, 0)),
        ("1×1", upperFromEdges(1, [])),
        ("diagonal", upperFromEdges(7, [])),
        ("no diagonal, no entries", SparseMatrixCSC(zeros: 5, 5)),
        ("dense", dense),
        ("disconnected", disconnected),
        ("arrow with dense row", arrow),
        ("star", star),
        ("path", upperFromEdges(20, (0..<19).map { ($0, $0 + 1) }, diagonal: false)),
        ("full symmetric input", SparseMatrixCSC(rows: 3, cols: 3, triplets: [
            (0, 1, 1), (1, 0, 1), (2, 1, 1), (1, 2, 1), (0, 0, 1), (0, 1, 1)])),
    ]
    for (name, matrix) in cases {
        for aggressive in [true, false] {
            let p = try ApproximateMinimumDegree.ordering(
                matrix, options: .init(aggressiveAbsorption: aggressive))
            #expect(SparseSamples.isPermutation(p, of: matrix.cols), "\(name), aggressive \(aggressive)")
        }
    }
}

@Test func amdIsDeterministicAndValidOnRandomGraphs() throws {
    var rng = SeededGenerator(seed: 7)
    for n in [2, 17, 100, 1000, 20_000] {
        let edgeCount = 3 * n
        let edges = (0..<edgeCount).map { _ in (Int.random(in: 0..<n, using: &rng), Int.random(in: 0..<n, using: &rng)) }
            .filter { $0.0 != $0.1 }
        let matrix = upperFromEdges(n, edges)
        let first = try ApproximateMinimumDegree.ordering(matrix)
        let second = try ApproximateMinimumDegree.ordering(matrix)
        #expect(SparseSamples.isPermutation(first, of: n))
        #expect(first == second)
        // Dense-row detection disabled and non-aggressive variants must also be valid.
        let plain = try ApproximateMinimumDegree.ordering(matrix, options: .init(denseRowFactor: -1, aggressiveAbsorption: false))
        #expect(SparseSamples.isPermutation(plain, of: n))
    }
}

@Test func amdCutsFillOnGridLaplacian() throws {
    let grid = SparseSamples.gridLaplacian(side: 50)
    let n = grid.cols
    let natural = try QuasiDefiniteLDL(pattern: grid, ordering: Array(0..<n)).factorNonzeroCount
    let reversed = try QuasiDefiniteLDL(pattern: grid, ordering: Array((0..<n).reversed())).factorNonzeroCount
    let amd = try QuasiDefiniteLDL(pattern: grid).factorNonzeroCount
    // Natural ordering of a 50×50 grid is banded: fill ≈ 50 per column.
    #expect(natural > 120_000)
    #expect(amd <= reversed)
    #expect(Double(amd) < 0.35 * Double(natural))
}

@Test func amdRejectsMalformedMatrices() {
    #expect(throws: SparseMatrixError.notSquare(rows: 2, cols: 3)) {
        try ApproximateMinimumDegree.ordering(SparseMatrixCSC(zeros: 2, 3))
    }
    let badRow = SparseMatrixCSC(rows: 2, cols: 2, colPointers: [0, 1, 1], rowIndices: [5], values: [1])
    #expect(throws: SparseMatrixError.self) { try ApproximateMinimumDegree.ordering(badRow) }
    let badPointers = SparseMatrixCSC(rows: 2, cols: 2, colPointers: [0, 2, 1], rowIndices: [0], values: [1])
    #expect(throws: SparseMatrixError.self) { try ApproximateMinimumDegree.ordering(badPointers) }
}
