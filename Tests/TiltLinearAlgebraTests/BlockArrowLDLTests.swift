import Foundation
import Testing
@testable import TiltLinearAlgebra

/// A random quasi-definite matrix with block-arrow structure: `blocks` blocks of one to four
/// rows, most of them copies (with fresh values) of three templates so that shapes repeat, joined
/// only through a dense border of `border` rows; rows are shuffled so that blocks and border
/// interleave. Diagonally dominant with the pivot's sign, so LDLᵀ without pivoting is stable.
private func blockArrowSample(blocks: Int, border: Int, seed: UInt64) -> (sample: QuasiDefiniteSample, signs: [Int]) {
    var rng = SeededGenerator(seed: seed)
    func uniform() -> Double { Double.random(in: -1...1, using: &rng) }
    struct Template { var size: Int; var signs: [Int]; var inside: [(Int, Int)]; var toBorder: [(Int, Int)] }
    func randomTemplate() -> Template {
        let size = Int.random(in: 1...4, using: &rng)
        let signs = (0..<size).map { _ in Bool.random(using: &rng) ? 1 : -1 }
        var inside: [(Int, Int)] = []
        for b in 0..<size { for a in 0..<b where Double.random(in: 0..<1, using: &rng) < 0.7 { inside.append((a, b)) } }
        var toBorder: [(Int, Int)] = []
        for a in 0..<size { for t in 0..<border where Double.random(in: 0..<1, using: &rng) < 0.5 { toBorder.append((a, t)) } }
        return Template(size: size, signs: signs, inside: inside, toBorder: toBorder)
    }
    let templates = (0..<3).map { _ in randomTemplate() }
    let chosen = (0..<blocks).map { _ in Double.random(in: 0..<1, using: &rng) < 0.8 ? templates[Int.random(in: 0..<3, using: &rng)] : randomTemplate() }
    let dimension = chosen.reduce(border) { $0 + $1.size }
    let position = Array(0..<dimension).shuffled(using: &rng)   // logical row → matrix row
    var signs = [Int](repeating: 0, count: dimension)
    var entries: [(row: Int, col: Int, value: Double)] = []
    var rowSums = [Double](repeating: 0, count: dimension)
    func add(_ a: Int, _ b: Int) {
        let v = uniform()
        entries.append((min(position[a], position[b]), max(position[a], position[b]), v))
        rowSums[a] += abs(v)
        rowSums[b] += abs(v)
    }
    var next = border
    for template in chosen {
        for (a, b) in template.inside { add(next + a, next + b) }
        for (a, t) in template.toBorder { add(next + a, t) }
        for a in 0..<template.size { signs[position[next + a]] = template.signs[a] }
        next += template.size
    }
    for t in 0..<border {
        signs[position[t]] = Bool.random(using: &rng) ? 1 : -1
        for u in 0..<t { add(u, t) }
    }
    for logical in 0..<dimension {
        let row = position[logical]
        entries.append((row, row, Double(signs[row]) * (rowSums[logical] + Double.random(in: 0.5...2, using: &rng))))
    }
    let upper = SparseMatrixCSC(rows: dimension, cols: dimension, triplets: entries)
    return (QuasiDefiniteSample(upper: upper, signs: signs.map { Int8($0) }), signs)
}

private func solve(_ ldl: BlockArrowLDL, _ b: [Double]) -> [Double] {
    var x = b
    x.withUnsafeMutableBufferPointer { ldl.solve($0.baseAddress!) }
    return x
}

@Test(arguments: [(1, 0, UInt64(1)), (5, 1, 2), (40, 3, 3), (100, 8, 4), (1000, 12, 5), (200, 0, 6)])
func blockArrowMatchesDenseSolve(blocks: Int, border: Int, seed: UInt64) throws {
    let (sample, signs) = blockArrowSample(blocks: blocks, border: border, seed: seed)
    let structure = try #require(BlockArrowStructure(pattern: sample.upper, signs: signs))
    if blocks >= 40 { #expect(structure.borderColumns.count == border) }
    let ldl = BlockArrowLDL(structure: structure)
    try ldl.factor(values: sample.upper.values, staticRegularization: 0, dynamicRegularization: 1e-13, dynamicDelta: 2e-7)
    #expect(ldl.regularizedPivotCount == 0)
    var rng = SeededGenerator(seed: seed + 100)
    let b = SparseSamples.randomVector(sample.dimension, using: &rng)
    let x = solve(ldl, b)
    #expect(SparseSamples.relativeResidual(sample.upper, x, b) < 1e-13)
    guard sample.dimension <= 300 else { return }   // the dense reference is O(n³)
    let reference = SparseSamples.denseLDLSolve(SparseSamples.denseSymmetric(sample.upper), b)
    let scale = SparseSamples.infinityNorm(reference)
    for (xi, ri) in zip(x, reference) { #expect(abs(xi - ri) <= 1e-11 * scale) }
}

/// Shapes are shared: copies of the three templates fall into three groups, and the one-off random
/// blocks, in groups of one, join the border while it stays small. In the portfolio KKT matrix every
/// asset's block (its weight and its bound row) has one of a few shapes; the six exposure variables,
/// one block each, join the border of six exposure rows and the budget.
@Test func blocksOfOneShapeAreGrouped() throws {
    let (sample, signs) = blockArrowSample(blocks: 500, border: 6, seed: 9)
    let structure = try #require(BlockArrowStructure(pattern: sample.upper, signs: signs))
    #expect(structure.shapeCount < 150)
    #expect(structure.largestShapeGroup >= 100)
    let kkt = SparseSamples.factorModelKKT(assets: 400, factors: 6)
    let kktStructure = try #require(BlockArrowStructure(pattern: kkt.upper, signs: kkt.signs.map(Int.init)))
    #expect(kktStructure.borderColumns.count == 13)
    #expect(kktStructure.blockCount == 400)
    #expect(kktStructure.shapeCount <= 4)
}

/// The same factorisation as the sparse LDLᵀ on a portfolio KKT matrix, refactored with new values.
@Test func blockArrowAgreesWithSparseLDLAfterRefactoring() throws {
    let kkt = SparseSamples.factorModelKKT(assets: 300, factors: 6)
    let ldl = try #require(BlockArrowLDL(pattern: kkt.upper, signs: kkt.signs.map(Int.init)))
    let sparse = try QuasiDefiniteLDL(pattern: kkt.upper)
    var rng = SeededGenerator(seed: 11)
    for round in 0..<3 {
        let values = kkt.upper.values.map { $0 * (1 + 0.2 * Double(round)) }
        try ldl.factor(values: values, staticRegularization: 1e-9, dynamicRegularization: 1e-13, dynamicDelta: 2e-7)
        try sparse.factor(values: values, signs: kkt.signs, staticRegularization: 1e-9, dynamicRegularization: 1e-13,
                          dynamicDelta: 2e-7)
        let b = SparseSamples.randomVector(kkt.dimension, using: &rng)
        let x = solve(ldl, b)
        var y = b
        sparse.solve(&y)
        let scale = SparseSamples.infinityNorm(y)
        for (xi, yi) in zip(x, y) { #expect(abs(xi - yi) <= 1e-10 * scale) }
    }
}

/// Patterns without the structure are declined (the caller falls back to the sparse LDLᵀ).
@Test func patternsWithoutTheStructureAreDeclined() {
    let grid = SparseSamples.gridLaplacian(side: 20)
    #expect(BlockArrowStructure(pattern: grid, signs: [Int](repeating: 1, count: grid.cols)) == nil)
    var rng = SeededGenerator(seed: 3)
    let random = SparseSamples.randomQuasiDefinite(primal: 300, dual: 200, density: 0.05, using: &rng)
    #expect(BlockArrowStructure(pattern: random.upper, signs: random.signs.map(Int.init)) == nil)
    // Malformed input: wrong sign count, a sign other than ±1, an entry below the diagonal.
    let (sample, signs) = blockArrowSample(blocks: 10, border: 2, seed: 4)
    #expect(BlockArrowStructure(pattern: sample.upper, signs: Array(signs.dropLast())) == nil)
    #expect(BlockArrowStructure(pattern: sample.upper, signs: [0] + signs.dropFirst()) == nil)
    let lower = SparseMatrixCSC(rows: 2, cols: 2, colPointers: [0, 2, 3], rowIndices: [0, 1, 1], values: [1, 1, -1])
    #expect(BlockArrowStructure(pattern: lower, signs: [1, -1]) == nil)
}

/// A zero pivot is replaced by `sign · delta` and counted; a non-finite one is an error naming its column.
@Test func pivotsAreRegularisedOrRejected() throws {
    // Two 2×2 blocks [[0, 1], [1, −1]] and [[2, 1], [1, −1]] and no border.
    let pattern = SparseMatrixCSC(rows: 4, cols: 4, colPointers: [0, 1, 3, 4, 6], rowIndices: [0, 0, 1, 2, 2, 3],
                                  values: [0, 1, -1, 2, 1, -1])
    let ldl = try #require(BlockArrowLDL(pattern: pattern, signs: [1, -1, 1, -1]))
    try ldl.factor(values: pattern.values, staticRegularization: 0, dynamicRegularization: 1e-13, dynamicDelta: 1e-6)
    #expect(ldl.regularizedPivotCount == 1)
    var values = pattern.values
    values[3] = .nan
    #expect(throws: SparseMatrixError.self) {
        try ldl.factor(values: values, staticRegularization: 0, dynamicRegularization: 1e-13, dynamicDelta: 1e-6)
    }
    #expect(throws: SparseMatrixError.lengthMismatch(what: "values", expected: 6, actual: 5)) {
        try ldl.factor(values: Array(values.dropLast()), staticRegularization: 0, dynamicRegularization: 1e-13, dynamicDelta: 1e-6)
    }
}
