import Foundation
import Testing
import TiltLinearAlgebra
import TiltModeling

/// A tracking-error problem like a strategy's: maximise cᵀw s.t. ‖M(w − b)‖ ≤ budget, Σw = 1, w ≥ 0, with
/// data drawn from `seed` and nudged by `drift` (a neighbouring month).
private func trackingErrorProblem(n: Int, seed: UInt64, drift: Double, budget: Double) throws -> (OptimizationProblem, Variable) {
    var random = SplitMix64(seed: seed)
    func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
    var nudge = SplitMix64(seed: seed &+ 1000)
    func jitter() -> Double { drift * (Double(nudge.next() >> 11) / Double(1 << 53) - 0.5) }
    let c = Matrix(column: (0..<n).map { _ in 0.01 * (uniform() - 0.4) + 0.001 * jitter() })
    let k = 4
    var m = Matrix(rows: k + n, cols: n)
    for j in 0..<n {
        for i in 0..<k { m[i, j] = 0.05 * (uniform() - 0.5) + 0.01 * jitter() }
        m[k + j, j] = 0.05 + 0.02 * uniform()
    }
    let b = Matrix(column: [Double](repeating: 1 / Double(n), count: n))
    let w = Variable(name: "w", rows: n)
    let active = try v(w) - .constant(b)
    let problem = try maximize(Expr.constant(c).T * v(w), [
        try norm(.constant(m) * active) <= budget, sum(v(w)) == 1, v(w) >= 0,
    ])
    return (problem, w)
}

@Test func warmStartFromANeighbouringProblemGivesTheColdSolution() throws {
    var warmSolved = 0
    for seed: UInt64 in 1...12 {
        let (first, _) = try trackingErrorProblem(n: 30, seed: seed, drift: 0, budget: 0.02)
        let firstSolution = try first.solve()
        #expect(firstSolution.status == .optimal)
        let (second, w) = try trackingErrorProblem(n: 30, seed: seed, drift: 1, budget: 0.02)
        let cold = try second.solve()
        let warm = try second.solve(warmStart: firstSolution.warmStart)
        #expect(cold.status == .optimal && warm.status == .optimal)
        let coldObjective = try #require(cold.objective), warmObjective = try #require(warm.objective)
        #expect(abs(coldObjective - warmObjective) <= 1e-9 * (1 + abs(coldObjective)))
        let coldW = try #require(cold.values.first { $0.0 === w }?.1.storage)
        let warmW = try #require(warm.values.first { $0.0 === w }?.1.storage)
        #expect(zip(coldW, warmW).allSatisfy { abs($0 - $1) <= 1e-7 }, "seed \(seed)")
        if warm.iterations == 0 { warmSolved += 1 }
    }
    // Most neighbours keep their active set, so most warm starts skip the interior-point method.
    #expect(warmSolved >= 6, "\(warmSolved) of 12 warm starts were used")
}

@Test func aWarmStartFromAnotherStructureOrAFarProblemFallsBackToTheInteriorPointMethod() throws {
    let (small, _) = try trackingErrorProblem(n: 20, seed: 3, drift: 0, budget: 0.02)
    let (large, w) = try trackingErrorProblem(n: 30, seed: 3, drift: 0, budget: 0.02)
    let fromSmall = try large.solve(warmStart: try small.solve().warmStart)
    #expect(fromSmall.status == .optimal && fromSmall.iterations > 0)
    // A far problem (other data, other budget): whatever path is taken, the answer is the cold one.
    let (far, _) = try trackingErrorProblem(n: 30, seed: 99, drift: 0, budget: 0.08)
    let fromFar = try large.solve(warmStart: try far.solve().warmStart)
    let cold = try large.solve()
    #expect(abs(try #require(fromFar.objective) - (try #require(cold.objective))) <= 1e-9)
    let a = try #require(fromFar.values.first { $0.0 === w }?.1.storage), b = try #require(cold.values.first { $0.0 === w }?.1.storage)
    #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-7 })
}
