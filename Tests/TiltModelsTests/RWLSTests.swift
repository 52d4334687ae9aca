import Foundation
import Testing
import TiltData
import TiltLinearAlgebra
import TiltModels

/// Random factors (T × K), returns (T × N, asset 2 missing its first 20 months) and state weights
/// (T × S, rows on the simplex), from a fixed seed.
private func randomProblem(t: Int = 150, k: Int = 3, n: Int = 4, s: Int = 3, seed: UInt64 = 9) -> (f: Matrix, r: Matrix, w: Matrix) {
    var rng = Xoshiro256StarStar(seed: seed)
    var f = Matrix(rows: t, cols: k)
    for i in 0..<t { for j in 0..<k { f[i, j] = 0.005 + 0.04 * rng.nextNormal() } }
    var r = Matrix(rows: t, cols: n)
    for i in 0..<t {
        for j in 0..<n {
            r[i, j] = 0.001 * Double(j) + (0..<k).reduce(0) { $0 + Double($1 + j + 1) * 0.3 * f[i, $1] } + 0.02 * rng.nextNormal()
        }
    }
    for i in 0..<20 { r[i, 1] = .nan }
    var w = Matrix(rows: t, cols: s)
    for i in 0..<t {
        let raw = (0..<s).map { _ in rng.nextUniform() + 0.01 }
        let total = raw.reduce(0, +)
        for j in 0..<s { w[i, j] = raw[j] / total }
    }
    f.colLabels = (1...k).map { "f\($0)" }
    r.colLabels = (1...n).map { "a\($0)" }
    return (f, r, w)
}

@Test func rwlsEqualsWeightedNormalEquations() throws {
    let (f, r, w) = randomProblem()
    let fit = try RegimeWeightedRegression.estimate(excessReturns: r, factorReturns: f, weights: w)
    #expect(fit.observationCounts == [150, 130, 150, 150])
    for state in 0..<w.cols {
        #expect(fit.loadings[state].rowLabels == ["alpha", "f1", "f2", "f3"])
        for asset in 0..<r.cols {
            let rows = (0..<r.rows).filter { r[$0, asset].isFinite }
            // (Xᵀ W X) β = Xᵀ W y, formed and solved directly.
            var xtwx = Matrix(rows: 4, cols: 4)
            var xtwy = Matrix(rows: 4, cols: 1)
            for i in rows {
                let x = [1, f[i, 0], f[i, 1], f[i, 2]]
                for a in 0..<4 {
                    xtwy[a, 0] += w[i, state] * x[a] * r[i, asset]
                    for b in 0..<4 { xtwx[a, b] += w[i, state] * x[a] * x[b] }
                }
            }
            let beta = try Matrix.solve(xtwx, xtwy)
            let estimated = (0..<4).map { fit.loadings[state][$0, asset] }
            #expect(maxRelativeDifference(estimated, beta.storage, floor: 1e-3) < 1e-10)
            var squares = 0.0, total = 0.0
            for i in rows {
                let e = r[i, asset] - (beta[0, 0] + (0..<3).reduce(0) { $0 + beta[$1 + 1, 0] * f[i, $1] })
                squares += w[i, state] * e * e
                total += w[i, state]
            }
            #expect(maxRelativeDifference([fit.residualVariances[state][asset]], [squares / total]) < 1e-9)
        }
    }
}

@Test func rwlsWithOneStateOfUnitWeightIsOLS() throws {
    let (f, r, _) = randomProblem(s: 1)
    let months = (0..<f.rows).map { Month(2000, 1) + $0 }
    let ones = Matrix(rows: f.rows, cols: 1, repeating: 1)
    let fit = try RegimeWeightedRegression.estimate(excessReturns: r, factorReturns: f, weights: ones)
    let ols = try OLSFactorModel.estimate(excessReturns: r, factorReturns: f, months: months, rebalance: months[months.count - 1],
                                          window: .expanding(from: months[0]))
    #expect(maxRelativeDifference(fit.loadings[0].storage, ols.loadings.storage, floor: 1e-3) < 1e-10)
    #expect(maxRelativeDifference(fit.residualVariances[0], ols.residualVariances.storage) < 1e-10)
    #expect(fit.observationCounts == ols.observationCounts)
}

@Test func rwlsRefusesAStateWithoutWeight() throws {
    let (f, r, _) = randomProblem()
    var w = Matrix(rows: f.rows, cols: 2)
    for i in 0..<f.rows { w[i, 0] = 1 }
    w[0, 1] = 1  // one month cannot identify four coefficients
    #expect(throws: ModelError.self) { try RegimeWeightedRegression.estimate(excessReturns: r, factorReturns: f, weights: w) }
    var negative = w
    negative[3, 0] = -0.5
    #expect(throws: ModelError.self) { try RegimeWeightedRegression.estimate(excessReturns: r, factorReturns: f, weights: negative) }
}
