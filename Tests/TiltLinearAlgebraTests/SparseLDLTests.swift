import Foundation
import Testing
@testable import TiltLinearAlgebra

private func factored(_ sample: QuasiDefiniteSample, ordering: [Int]? = nil,
                      staticRegularization: Double = 0) throws -> QuasiDefiniteLDL {
    let ldl = try QuasiDefiniteLDL(pattern: sample.upper, ordering: ordering)
    try ldl.factor(values: sample.upper.values, signs: sample.signs, staticRegularization: staticRegularization,
                   dynamicRegularization: 1e-13, dynamicDelta: 2e-7)
    return ldl
}

private func solved(_ ldl: QuasiDefiniteLDL, _ b: [Double]) -> [Double] {
    var x = b
    ldl.solve(&x)
    return x
}

@Test(arguments: [(1, 0), (0, 1), (5, 3), (20, 12), (60, 40)])
func ldlMatchesDenseReference(primal: Int, dual: Int) throws {
    var rng = SeededGenerator(seed: UInt64(100 * primal + dual))
    let sample = SparseSamples.randomQuasiDefinite(primal: primal, dual: dual, density: 0.2, using: &rng)
    let b = SparseSamples.randomVector(sample.dimension, using: &rng)
    let reference = SparseSamples.denseLDLSolve(SparseSamples.denseSymmetric(sample.upper), b)
    let ldl = try factored(sample)
    let x = solved(ldl, b)
    let scale = SparseSamples.infinityNorm(reference)
    for (xi, ri) in zip(x, reference) { #expect(abs(xi - ri) <= 1e-10 * scale) }
    #expect(ldl.regularizedPivotCount == 0)
    #expect(ldl.positivePivotCount == primal)
}

@Test(arguments: [(200, 100, 0.02), (600, 400, 0.005), (1200, 800, 0.002)])
func ldlSolvesRandomQuasiDefiniteSystems(primal: Int, dual: Int, density: Double) throws {
    var rng = SeededGenerator(seed: UInt64(primal))
    let sample = SparseSamples.randomQuasiDefinite(primal: primal, dual: dual, density: density, using: &rng)
    let b = SparseSamples.randomVector(sample.dimension, using: &rng)
    let withAMD = try factored(sample)
    let natural = try factored(sample, ordering: Array(0..<sample.dimension))
    let x = solved(withAMD, b)
    let xNatural = solved(natural, b)
    #expect(SparseSamples.relativeResidual(sample.upper, x, b) < 1e-12)
    #expect(SparseSamples.relativeResidual(sample.upper, xNatural, b) < 1e-12)
    let scale = SparseSamples.infinityNorm(x)
    for (a, c) in zip(x, xNatural) { #expect(abs(a - c) <= 1e-10 * scale) }
    #expect(withAMD.factorNonzeroCount <= natural.factorNonzeroCount)
    #expect(withAMD.positivePivotCount == primal)
}

@Test func refactorReusesSymbolicAnalysis() throws {
    var rng = SeededGenerator(seed: 42)
    let first = SparseSamples.randomQuasiDefinite(primal: 80, dual: 50, density: 0.05, using: &rng)
    // Same pattern, new values: rescale every entry, keeping quasi-definiteness.
    var second = first
    second.upper.values = first.upper.values.map { $0 * Double.random(in: 0.5...1.5, using: &rng) }
    for j in 0..<80 {
        let diagonal = second.upper.colPointers[j + 1] - 1
        second.upper.values[diagonal] += 20
    }
    let b = SparseSamples.randomVector(first.dimension, using: &rng)
    let reused = try factored(first)
    let symbolicFill = reused.factorNonzeroCount
    try reused.factor(values: second.upper.values, signs: second.signs, staticRegularization: 0,
                      dynamicRegularization: 1e-13, dynamicDelta: 2e-7)
    let fresh = try factored(second)
    #expect(reused.factorNonzeroCount == symbolicFill)
    #expect(reused.permutation == fresh.permutation)
    #expect(solved(reused, b) == solved(fresh, b))
    #expect(SparseSamples.relativeResidual(second.upper, solved(reused, b), b) < 1e-12)
}

@Test func dynamicRegularizationReplacesBadPivots() throws {
    // K = [[1, 1, 0], [1, 1, 0], [0, 0, 0]]: pivot 2 is 1 − 1 = 0 after elimination, pivot 3 is 0
    // outright (no diagonal entry stored for it); both expected positive.
    let upper = SparseMatrixCSC(rows: 3, cols: 3, triplets: [(0, 0, 1), (0, 1, 1), (1, 1, 1)])
    let ldl = try QuasiDefiniteLDL(pattern: upper, ordering: [0, 1, 2])
    try ldl.factor(values: upper.values, signs: [1, 1, 1], staticRegularization: 0,
                   dynamicRegularization: 1e-13, dynamicDelta: 1e-7)
    #expect(ldl.regularizedPivotCount == 2)
    // With D = diag(1, 1e-7, 1e-7) and L21 = 1: K_reg⁻¹ e3 = 1e7 e3.
    var e3 = [0.0, 0, 1]
    ldl.solve(&e3)
    #expect(abs(e3[2] - 1e7) < 1e-3 && e3[0] == 0 && e3[1] == 0)

    // A pivot of the wrong sign is also replaced.
    let wrongSign = SparseMatrixCSC(rows: 1, cols: 1, triplets: [(0, 0, 3)])
    let single = try QuasiDefiniteLDL(pattern: wrongSign)
    try single.factor(values: [3], signs: [-1], staticRegularization: 0, dynamicRegularization: 1e-13, dynamicDelta: 0.5)
    var one = [1.0]
    single.solve(&one)
    #expect(single.regularizedPivotCount == 1 && one == [-2])

    // Without dynamic regularisation an exact zero pivot is reported, with its original column.
    #expect(throws: SparseMatrixError.singularPivot(column: 1, value: 0)) {
        try ldl.factor(values: upper.values, signs: [1, 1, 1], staticRegularization: 0,
                       dynamicRegularization: -1, dynamicDelta: 0)
    }
    #expect(!ldl.isFactored)
}

@Test func staticRegularizationIsRemovedByRefinement() throws {
    var rng = SeededGenerator(seed: 9)
    let sample = SparseSamples.randomQuasiDefinite(primal: 150, dual: 90, density: 0.03, using: &rng)
    let b = SparseSamples.randomVector(sample.dimension, using: &rng)
    let ldl = try factored(sample, staticRegularization: 1e-5)
    var x = solved(ldl, b)
    let before = SparseSamples.relativeResidual(sample.upper, x, b)
    #expect(before > 1e-9)
    let result = ldl.refine(matrix: sample.upper, b: b, x: &x, maxIterations: 20)
    let after = SparseSamples.relativeResidual(sample.upper, x, b)
    #expect(after < 1e-13)
    #expect(result.iterations >= 1)
    #expect(abs(result.residualNorm - after * SparseSamples.infinityNorm(b)) <= 1e-15 + 1e-6 * result.residualNorm)
}

@Test func ldlHandlesEdgeCases() throws {
    let empty = try QuasiDefiniteLDL(pattern: SparseMatrixCSC(zeros: 0, 0))
    try empty.factor(values: [], signs: [], staticRegularization: 0, dynamicRegularization: 0, dynamicDelta: 0)
    var nothing: [Double] = []
    empty.solve(&nothing)
    #expect(nothing.isEmpty && empty.factorNonzeroCount == 0)

    let diagonal = SparseMatrixCSC(rows: 3, cols: 3, triplets: [(0, 0, 2), (1, 1, -4), (2, 2, 8)])
    let ldl = try QuasiDefiniteLDL(pattern: diagonal)
    try ldl.factor(values: diagonal.values, signs: [1, -1, 1], staticRegularization: 0,
                   dynamicRegularization: 1e-13, dynamicDelta: 1e-7)
    var b = [2.0, 2, 2]
    ldl.solve(&b)
    #expect(b == [1, -0.5, 0.25] && ldl.factorNonzeroCount == 0)
}

@Test func ldlRejectsInconsistentInput() throws {
    let upper = SparseMatrixCSC(rows: 2, cols: 2, triplets: [(0, 0, 1), (0, 1, 1), (1, 1, -1)])
    let lower = SparseMatrixCSC(rows: 2, cols: 2, triplets: [(0, 0, 1), (1, 0, 1), (1, 1, -1)])
    #expect(throws: SparseMatrixError.entryBelowDiagonal(row: 1, col: 0)) {
        try QuasiDefiniteLDL(pattern: lower, ordering: [0, 1])
    }
    #expect(throws: SparseMatrixError.invalidPermutation("index 0 appears twice")) {
        try QuasiDefiniteLDL(pattern: upper, ordering: [0, 0])
    }
    #expect(throws: SparseMatrixError.self) { try QuasiDefiniteLDL(pattern: upper, ordering: [0, 2]) }
    #expect(throws: SparseMatrixError.self) { try QuasiDefiniteLDL(pattern: upper, ordering: [0]) }
    let ldl = try QuasiDefiniteLDL(pattern: upper)
    #expect(throws: SparseMatrixError.lengthMismatch(what: "values", expected: 3, actual: 2)) {
        try ldl.factor(values: [1, 2], signs: [1, -1], staticRegularization: 0, dynamicRegularization: 0, dynamicDelta: 0)
    }
    #expect(throws: SparseMatrixError.invalidSign(column: 1, value: 0)) {
        try ldl.factor(values: [1, 1, -1], signs: [1, 0], staticRegularization: 0, dynamicRegularization: 0, dynamicDelta: 0)
    }
    #expect(throws: SparseMatrixError.singularPivot(column: 0, value: .infinity)) {
        try ldl.factor(values: [.infinity, 1, -1], signs: [1, -1], staticRegularization: 0,
                       dynamicRegularization: 0, dynamicDelta: 0)
    }
}

@Test func duplicateEntriesAreSummed() throws {
    // Raw CSC with a duplicated (0, 1) entry: K = [[2, 3], [3, -1]] once both halves are summed.
    let raw = SparseMatrixCSC(rows: 2, cols: 2, colPointers: [0, 1, 4], rowIndices: [0, 0, 1, 0],
                              values: [2, 1, -1, 2])
    let ldl = try QuasiDefiniteLDL(pattern: raw)
    try ldl.factor(values: raw.values, signs: [1, -1], staticRegularization: 0, dynamicRegularization: 0, dynamicDelta: 0)
    var b = [5.0, 2]   // K [1, 1] = [5, 2]
    ldl.solve(&b)
    #expect(abs(b[0] - 1) < 1e-14 && abs(b[1] - 1) < 1e-14)
}

/// Factor + solve of a portfolio KKT with 5000 assets and 20 factors (arrow: the budget row);
/// prints timings (no timing assertion) and checks the residual.
@Test func factorModelKKTWithFiveThousandAssets() throws {
    let sample = SparseSamples.factorModelKKT(assets: 5000, factors: 20)
    let clock = ContinuousClock()
    var ldl: QuasiDefiniteLDL?
    let symbolic = try clock.measure { ldl = try QuasiDefiniteLDL(pattern: sample.upper) }
    let factorization = try #require(ldl)
    let numeric = try clock.measure {
        try factorization.factor(values: sample.upper.values, signs: sample.signs, staticRegularization: 1e-8,
                                 dynamicRegularization: 1e-13, dynamicDelta: 2e-7)
    }
    var rng = SeededGenerator(seed: 5)
    let b = SparseSamples.randomVector(sample.dimension, using: &rng)
    var x = b
    let solve = clock.measure { factorization.solve(&x) }
    let refinement = factorization.refine(matrix: sample.upper, b: b, x: &x)
    print("KKT n=\(sample.dimension) nnz(K)=\(sample.upper.nonzeroCount) nnz(L)=\(factorization.factorNonzeroCount): "
          + "symbolic \(symbolic), factor \(numeric), solve \(solve), refinement steps \(refinement.iterations)")
    #expect(SparseSamples.relativeResidual(sample.upper, x, b) < 1e-13)
    #expect(factorization.positivePivotCount == 5020)
}
