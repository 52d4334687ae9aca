import Foundation
import Testing
import TiltTestSupport
import TiltData
import TiltLinearAlgebra
import TiltModels

/// The committed numpy reference (References/make_ols_reference.py).
private struct OLSReference: Decodable {
    struct Window: Decodable { let kind: String; let from: String?; let months: Int? }
    struct Case: Decodable {
        let name: String
        let rebalance: String
        let window: Window
        let first_month: String
        let months: Int
        let loadings: [[Double]]
        let residual_variances: [Double]
        let factor_covariance: [[Double]]
        let mu: [Double]
        let observation_counts: [Int]
    }
    let assets: [String]
    let factors: [String]
    let cases: [Case]
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing), arguments: [0, 1])
func matchesNumpyOnIndustries(caseIndex: Int) throws {
    let reference = try JSONDecoder().decode(OLSReference.self,
                                             from: Data(contentsOf: URL(fileURLWithPath: referencePath("ols_reference.json"))))
    let expected = reference.cases[caseIndex]
    let data = try IndustryData()
    #expect(data.factors.colLabels == reference.factors)
    let window: EstimationWindow = expected.window.kind == "rolling"
        ? .rolling(months: try #require(expected.window.months))
        : .expanding(from: try #require(Month(parsing: expected.window.from ?? "")))
    let model = try OLSFactorModel.estimate(excessReturns: data.excessReturns, factorReturns: data.factors,
                                            months: data.months, rebalance: try #require(Month(parsing: expected.rebalance)),
                                            window: window)
    #expect(model.assetIDs == reference.assets)
    #expect(model.loadings.rowLabels == ["alpha"] + reference.factors)
    #expect(model.loadings.colLabels == reference.assets)
    #expect(model.windowMonths.first?.description == expected.first_month)
    #expect(model.windowMonths.count == expected.months)
    #expect(model.observationCounts == expected.observation_counts)
    // Loadings are O(1) and alphas O(1e-3): compare all against max(|ref|, 1e-2), i.e. at worst 1e-12
    // absolute on the intercepts.
    #expect(maxRelativeDifference(model.loadings.nestedRows.flatMap { $0 }, expected.loadings.flatMap { $0 }, floor: 1e-2) < 1e-10)
    #expect(maxRelativeDifference(model.residualVariances.storage, expected.residual_variances) < 1e-10)
    #expect(maxRelativeDifference(model.factorCovariance.nestedRows.flatMap { $0 }, expected.factor_covariance.flatMap { $0 },
                                  floor: 1e-6) < 1e-10)
    #expect(maxRelativeDifference(model.mu.storage, expected.mu) < 1e-10)
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func alignedDataSubtractsTheRiskFreeRate() throws {
    let data = try IndustryData()
    let viaAligned = try OLSFactorModel.estimate(data.aligned, rebalance: Month(2000, 6), window: .rolling(months: 60))
    let viaMatrices = try OLSFactorModel.estimate(excessReturns: data.excessReturns, factorReturns: data.aligned.factors.returns,
                                                  months: data.months, rebalance: Month(2000, 6), window: .rolling(months: 60))
    #expect(viaAligned.factorNames == ["mktrf", "smb", "hml", "rmw", "cma", "umd"])
    #expect(viaAligned.loadings == viaMatrices.loadings)
    #expect(viaAligned.residualVariances == viaMatrices.residualVariances)
}

/// One factor: β = cov(f, y)/var(f), α = ȳ − β f̄, residual variance = var(y)(1 − ρ²) with divisor n.
@Test func simpleRegressionClosedForm() throws {
    let f: [Double] = [0.01, -0.02, 0.03, 0.005, -0.01, 0.02, 0.0, -0.015]
    let y: [Double] = [0.02, -0.01, 0.05, 0.0, -0.03, 0.04, 0.01, -0.02]
    let n = Double(f.count)
    let fm = f.reduce(0, +) / n, ym = y.reduce(0, +) / n
    let sff = f.reduce(0) { $0 + ($1 - fm) * ($1 - fm) }
    let syy = y.reduce(0) { $0 + ($1 - ym) * ($1 - ym) }
    let sfy = zip(f, y).reduce(0) { $0 + ($1.0 - fm) * ($1.1 - ym) }
    let months = (0..<f.count).map { Month(2020, 1) + $0 }
    let model = try OLSFactorModel.estimate(excessReturns: Matrix(column: y, labels: nil),
                                            factorReturns: Matrix(column: f),
                                            months: months, rebalance: months[months.count - 1],
                                            window: .expanding(from: months[0]))
    let beta = sfy / sff
    #expect(abs(model.loadings[1, 0] - beta) < 1e-13)
    #expect(abs(model.loadings[0, 0] - (ym - beta * fm)) < 1e-14)
    #expect(abs(model.residualVariances[0, 0] - (syy - sfy * sfy / sff) / n) < 1e-15)
    #expect(abs(model.factorCovariance[0, 0] - sff / (n - 1)) < 1e-16)
    #expect(model.mu.storage == [1, fm])
    #expect(model.factorNames == ["f1"] && model.assetIDs == ["1"])
}

/// Deterministic pseudo-random test data without Foundation randomness: a sine-based hash.
private func noise(_ i: Int, _ j: Int) -> Double {
    let x = sin(Double(i) * 12.9898 + Double(j) * 78.233) * 43758.5453
    return (x - x.rounded(.down)) - 0.5
}

/// 40 months, 2 factors, 5 assets; asset 2 misses 3 months, asset 3 misses months before 2020-11,
/// asset 4 has only 3 observations.
private func gappyData() -> (returns: Matrix, factors: Matrix, months: [Month]) {
    let months = (0..<40).map { Month(2020, 1) + $0 }
    var factors = Matrix(rows: 40, cols: 2)
    var returns = Matrix(rows: 40, cols: 5)
    for i in 0..<40 {
        factors[i, 0] = 0.05 * noise(i, 100)
        factors[i, 1] = 0.03 * noise(i, 200)
        for j in 0..<5 {
            returns[i, j] = 0.001 * Double(j) + (0.5 + 0.2 * Double(j)) * factors[i, 0] - 0.3 * factors[i, 1] + 0.02 * noise(i, j)
        }
    }
    for i in [3, 17, 30] { returns[i, 2] = .nan }
    for i in 0..<10 { returns[i, 3] = .nan }
    for i in 0..<40 where i % 13 != 0 { returns[i, 4] = .nan }
    factors.colLabels = ["a", "b"]
    returns.colLabels = ["s1", "s2", "s3", "s4", "s5"]
    return (returns, factors, months)
}

@Test func assetsWithGapsEqualTheirOwnRegression() throws {
    let (returns, factors, months) = gappyData()
    let model = try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: months,
                                            rebalance: months[39], window: .expanding(from: months[0]))
    #expect(model.observationCounts == [40, 40, 37, 30, 4])
    for j in 0..<4 {
        let rows = (0..<40).filter { returns[$0, j].isFinite }
        let alone = try OLSFactorModel.estimate(
            excessReturns: Matrix(column: rows.map { returns[$0, j] }), factorReturns: factors.selecting(rows: rows, cols: nil),
            months: rows.map { months[$0] }, rebalance: months[rows[rows.count - 1]], window: .expanding(from: months[0]))
        for k in 0..<3 { #expect(abs(model.loadings[k, j] - alone.loadings[k, 0]) < 1e-13) }
        #expect(abs(model.residualVariances[j, 0] - alone.residualVariances[0, 0]) < 1e-15)
    }
    // 4 observations = K + 2 is the default minimum; asking for more leaves the asset unestimated.
    #expect(model.loadings[1, 4].isFinite)
    let strict = try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: months,
                                             rebalance: months[39], window: .expanding(from: months[0]),
                                             minimumObservations: 24)
    #expect((0..<3).allSatisfy { strict.loadings[$0, 4].isNaN } && strict.residualVariances[4, 0].isNaN)
    #expect(strict.loadings[1, 3] == model.loadings[1, 3])
}

@Test func onlyMonthsUpToTheRebalanceAreUsed() throws {
    var (returns, factors, months) = gappyData()
    let rebalance = months[29]
    let before = try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: months,
                                             rebalance: rebalance, window: .rolling(months: 24))
    #expect(before.windowMonths == Array(months[6...29]))
    for i in 30..<40 {
        factors[i, 0] = .nan
        for j in 0..<5 { returns[i, j] = 1 }
    }
    let after = try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: months,
                                            rebalance: rebalance, window: .rolling(months: 24))
    // Asset 5 has two observations in this window, so NaN loadings (compared as equal here).
    #expect(before.loadings[1, 4].isNaN)
    #expect(maxRelativeDifference(after.loadings.storage, before.loadings.storage) == 0)
    #expect(after.factorCovariance == before.factorCovariance && after.mu == before.mu)
}

@Test func unusableInputsThrowModelErrors() throws {
    let (returns, factors, months) = gappyData()
    func message(_ body: () throws -> OLSFactorModel) -> String {
        do { _ = try body(); return "" } catch let error as ModelError { return error.message } catch { return "\(error)" }
    }
    #expect(message { try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: months,
                                                  rebalance: Month(2030, 1), window: .rolling(months: 12)) }
            == "the rebalance month 2030-01 is not in the data (2020-01…2023-04)")
    #expect(message { try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: months,
                                                  rebalance: months[2], window: .rolling(months: 12)) }
            == "the window 2020-01…2020-03 has 3 month(s); 2 factor(s) need at least 4")
    #expect(message { try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: months,
                                                  rebalance: months[5], window: .expanding(from: months[9])) }
            == "the expanding window starts at 2020-10, after the rebalance month 2020-06")
    var holed = factors
    holed[20, 1] = .nan
    #expect(message { try OLSFactorModel.estimate(excessReturns: returns, factorReturns: holed, months: months,
                                                  rebalance: months[39], window: .rolling(months: 24)) }
            == "factor 'b' has no return in 2021-09, inside the estimation window 2021-05…2023-04")
    var collinear = factors
    for i in 0..<40 { collinear[i, 1] = 2 * collinear[i, 0] }
    #expect(message { try OLSFactorModel.estimate(excessReturns: returns, factorReturns: collinear, months: months,
                                                  rebalance: months[39], window: .rolling(months: 24)) }
            == "the factors a, b and the intercept are linearly dependent over the window 2021-05…2023-04")
    #expect(message { try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: months,
                                                  rebalance: months[39], window: .rolling(months: 24), minimumObservations: 2) }
            == "minimumObservations must be at least 3 (one per loading and the intercept), got 2")
    #expect(message { try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: Array(months.dropLast()),
                                                  rebalance: months[30], window: .rolling(months: 24)) }
            == "the returns are 40×5 and the factors 40×2, but there are 39 months: both need one row per month")
}

@Test func assetsWhoseRowsCannotIdentifyTheLoadingsAreNaN() throws {
    var (returns, factors, months) = gappyData()
    for i in 0..<12 { factors[i, 1] = 0 }                 // factor b is flat in 2020
    for i in 12..<40 { returns[i, 4] = .nan }             // asset 5 is only observed in 2020
    for i in 0..<12 { returns[i, 4] = 0.01 * noise(i, 9) }
    let model = try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: months,
                                            rebalance: months[39], window: .expanding(from: months[0]))
    #expect(model.observationCounts[4] == 12)
    #expect((0..<3).allSatisfy { model.loadings[$0, 4].isNaN } && model.residualVariances[4, 0].isNaN)
    #expect((0..<4).allSatisfy { model.loadings[2, $0].isFinite })
}

@Test func collinearFactorsThrowEvenWhenNoAssetIsComplete() throws {
    var (returns, factors, months) = gappyData()
    for j in 0..<5 { returns[39, j] = .nan }
    for i in 0..<40 { factors[i, 1] = 0.5 - 3 * factors[i, 0] }
    #expect(throws: ModelError("the factors a, b and the intercept are linearly dependent over the window 2020-01…2023-04")) {
        try OLSFactorModel.estimate(excessReturns: returns, factorReturns: factors, months: months,
                                    rebalance: months[39], window: .expanding(from: months[0]))
    }
}
