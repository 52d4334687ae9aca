import Foundation
import Testing
import TiltTestSupport
import TiltLinearAlgebra
@testable import TiltData

/// The numbers of the calibration file's array `key`, flattened in file order, parsed by `Double(_:)`
/// (correctly rounded; Foundation's JSON parser on Linux is not, so it cannot check exact equality).
private func calibrationNumbers(_ key: String) throws -> [Double] {
    let text = try String(contentsOfFile: sharedDataPath("regime_calibration.json"), encoding: .utf8)
    let keyRange = try #require(text.range(of: "\"\(key)\":"))
    var numbers: [Double] = [], token = "", depth = 0
    for character in text[keyRange.upperBound...] {
        if character.isNumber || "+-.eE".contains(character) {
            token.append(character)
            continue
        }
        if !token.isEmpty { numbers.append(try #require(Double(token))); token = "" }
        if character == "[" { depth += 1 }
        if character == "]" { depth -= 1; if depth == 0 { break } }
    }
    return numbers
}

private func entries(_ m: Matrix) -> [Double] { (0..<m.rows).flatMap { i in (0..<m.cols).map { m[i, $0] } } }

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func embeddedCalibrationEqualsTheFile() throws {
    let study = RegimeCalibration.study
    #expect(study.factorNames == ["mktrf", "smb", "hml", "rmw", "cma", "umd"])
    #expect(study.startProbabilities == (try calibrationNumbers("start_probabilities")))
    #expect(study.transitionMatrix.flatMap { $0 } == (try calibrationNumbers("transition_matrix")))
    #expect(study.factorMeans.flatMap { $0 } == (try calibrationNumbers("factor_means")))
    #expect(study.factorCovariances.flatMap(entries) == (try calibrationNumbers("factor_covariances")))
    #expect(study.loadingIndex.map(\.state) == (try calibrationNumbers("loading_index")).map { Int($0) })
    #expect(study.loadingIndex.map(\.factor) == study.factorNames.flatMap { [$0, $0] })
    #expect(study.loadingMeans == (try calibrationNumbers("loading_means")))
    #expect(entries(study.loadingCovariance) == (try calibrationNumbers("loading_covariance")))
    #expect(study.residualVariances == (try calibrationNumbers("residual_variance")))
    let rf = try #require(try FactorFile.loadTidy(path: sharedDataPath("ff6_monthly.csv")).riskFree)
    #expect(abs(study.riskFreeRate - rf.storage.reduce(0, +) / Double(rf.rows)) < 1e-17)
}

@Test func theSameSeedGivesTheSameMarket() throws {
    let a = try SyntheticMarket.generate(stocks: 30, seed: 11, from: Month(2000, 1), to: Month(2004, 12))
    let b = try SyntheticMarket.generate(stocks: 30, seed: 11, from: Month(2000, 1), to: Month(2004, 12))
    let other = try SyntheticMarket.generate(stocks: 30, seed: 12, from: Month(2000, 1), to: Month(2004, 12))
    let fewer = try SyntheticMarket.generate(stocks: 10, seed: 11, from: Month(2000, 1), to: Month(2004, 12))
    #expect(a.panel.denseReturns() == b.panel.denseReturns() && a.panel.denseMarketCaps() == b.panel.denseMarketCaps())
    #expect(a.panel.sectors == b.panel.sectors && a.sicCodes == b.sicCodes && a.regimes == b.regimes)
    #expect(a.factors.returns == b.factors.returns && a.loadings == b.loadings)
    #expect(a.panel.denseReturns() != other.panel.denseReturns() && a.factors.returns != other.factors.returns)
    // Stocks are drawn after the factors, one after another: a smaller market is a prefix.
    #expect(fewer.factors.returns == a.factors.returns)
    #expect(fewer.panel.denseReturns() == (try a.panel.denseReturns().selecting(rows: nil, cols: Array(0..<10))))
}

@Test func panelAndFactorsHaveTheLoadedShapes() throws {
    let market = try SyntheticMarket.generate(stocks: 25, seed: 3, from: Month(2010, 1), to: Month(2012, 6))
    #expect(market.panel.months.count == 30 && market.panel.months.first == Month(2010, 1))
    #expect(market.panel.assetIDs.first == "10001" && market.panel.assetIDs.last == "10025")
    #expect(market.panel.denseReturns().rowLabels?.first == "2010-01" && market.panel.denseReturns().colLabels == market.panel.assetIDs)
    #expect(market.factors.factorNames == ["mktrf", "smb", "hml", "rmw", "cma", "umd"])
    #expect(market.factors.returns.shapeDescription == "30×6" && market.factors.returns.colLabels == market.factors.factorNames)
    let rf = try #require(market.factors.riskFree)
    #expect(rf.colLabels == ["rf"] && rf.storage.allSatisfy { $0 == RegimeCalibration.study.riskFreeRate })
    let sectors = try #require(market.panel.sectors)
    let divisions = SICDivision.allCases.filter { $0 != .other }.map(\.name)
    #expect(Set(sectors) == Set(divisions))
    for j in 0..<25 {
        #expect(sectors[j] == divisions[j % 10])
        #expect(SICDivision(sicCode: market.sicCodes[j]).name == sectors[j])
    }
    // Caps grow with the returns: cap_t = cap_{t−1}(1 + r_t), and cap = price × shares.
    let caps = try #require(market.panel.denseMarketCaps())
    for j in 0..<25 {
        for t in 1..<30 {
            let grown = caps[t - 1, j] * (1 + market.panel.denseReturns()[t, j])
            #expect(abs(caps[t, j] - grown) <= 1e-12 * grown)
        }
        #expect(caps[0, j] == market.prices[0, j] * market.sharesOutstanding[j])
    }
    _ = try AlignedData(panel: market.panel, factors: market.factors)
}

/// Factor returns per regime: sample means and covariances within 4 standard errors of the
/// calibration's (Gaussian standard errors: sqrt(σᵢᵢ/n) and sqrt((σᵢᵢσⱼⱼ + σᵢⱼ²)/n)).
@Test func factorMomentsPerRegimeMatchTheCalibration() throws {
    let market = try SyntheticMarket.generate(stocks: 1, seed: 2024, from: Month(1000, 1), to: Month(2999, 12))
    let study = RegimeCalibration.study
    let f = market.factors.returns
    for state in 0..<2 {
        let rows = market.regimes.indices.filter { market.regimes[$0] == state }
        let n = Double(rows.count)
        #expect(n > 3000)
        let sample = try f.selecting(rows: rows, cols: nil)
        let covariance = try Matrix.covariance(sample)
        let sigma = study.factorCovariances[state]
        for i in 0..<6 {
            let mean = rows.reduce(0) { $0 + f[$1, i] } / n
            #expect(abs(mean - study.factorMeans[state][i]) < 4 * (sigma[i, i] / n).squareRoot(), "state \(state) factor \(i) mean")
            for k in 0...i {
                let se = ((sigma[i, i] * sigma[k, k] + sigma[i, k] * sigma[i, k]) / n).squareRoot()
                #expect(abs(covariance[i, k] - sigma[i, k]) < 4 * se, "state \(state) covariance (\(i), \(k))")
            }
        }
    }
}

@Test func regimeTransitionsMatchTheMatrix() throws {
    let market = try SyntheticMarket.generate(stocks: 1, seed: 99, from: Month(1000, 1), to: Month(2999, 12))
    var counts = [[0, 0], [0, 0]]
    for t in 1..<market.regimes.count { counts[market.regimes[t - 1]][market.regimes[t]] += 1 }
    #expect(market.regimes[0] == 0)   // the start probabilities put (almost) all mass on regime 0
    for s in 0..<2 {
        let n = Double(counts[s][0] + counts[s][1])
        for next in 0..<2 {
            let p = RegimeCalibration.study.transitionMatrix[s][next]
            #expect(abs(Double(counts[s][next]) / n - p) < 4 * (p * (1 - p) / n).squareRoot(), "\(s) → \(next)")
        }
    }
}

/// Stacked loadings (loading_index order) across 4000 stocks: mean and covariance within 4 standard errors.
@Test func loadingsMatchTheLoadingDistribution() throws {
    let stocks = 4000
    let market = try SyntheticMarket.generate(stocks: stocks, seed: 5, from: Month(2000, 1), to: Month(2000, 2))
    let study = RegimeCalibration.study
    var stacked = Matrix(rows: stocks, cols: 12)
    for (position, entry) in study.loadingIndex.enumerated() {
        let factor = try #require(study.factorNames.firstIndex(of: entry.factor))
        for j in 0..<stocks { stacked[j, position] = market.loadings[entry.state][factor, j] }
    }
    let covariance = try Matrix.covariance(stacked)
    let sigma = study.loadingCovariance
    let n = Double(stocks)
    for i in 0..<12 {
        let mean = (0..<stocks).reduce(0) { $0 + stacked[$1, i] } / n
        #expect(abs(mean - study.loadingMeans[i]) < 4 * (sigma[i, i] / n).squareRoot(), "loading \(i) mean")
        for k in 0...i {
            let se = ((sigma[i, i] * sigma[k, k] + sigma[i, k] * sigma[i, k]) / n).squareRoot()
            #expect(abs(covariance[i, k] - sigma[i, k]) < 4 * se, "loading covariance (\(i), \(k))")
        }
    }
}

/// r − rf − α − β(regime)ᵀf leaves residuals with the calibrated variance per regime (4 standard
/// errors, σ²·sqrt(2/n)), and alphas with the requested dispersion.
@Test func returnsFollowTheFactorModel() throws {
    let market = try SyntheticMarket.generate(stocks: 300, seed: 8, from: Month(1990, 1), to: Month(2009, 12),
                                              alphaVolatility: 0.002)
    let study = RegimeCalibration.study
    var sums = [0.0, 0.0], counts = [0.0, 0.0]
    // Built once: the whole 240 × 300 matrix (building it at every cell took 13 minutes in a debug build).
    let returns = market.panel.denseReturns()
    for j in 0..<300 {
        for t in market.panel.months.indices {
            let state = market.regimes[t]
            var e = returns[t, j] - study.riskFreeRate - market.alphas[j]
            for k in 0..<6 { e -= market.loadings[state][k, j] * market.factors.returns[t, k] }
            sums[state] += e * e
            counts[state] += 1
        }
    }
    for state in 0..<2 {
        let variance = study.residualVariances[state]
        #expect(abs(sums[state] / counts[state] - variance) < 4 * variance * (2 / counts[state]).squareRoot())
    }
    let alphaVariance = market.alphas.reduce(0) { $0 + $1 * $1 } / 300
    #expect(abs(alphaVariance - 0.002 * 0.002) < 4 * 0.002 * 0.002 * (2.0 / 300).squareRoot())
}

@Test func crspFileReadsBackToTheSamePanel() throws {
    let market = try SyntheticMarket.generate(stocks: 40, seed: 21, from: Month(1999, 11), to: Month(2001, 3))
    var bytes: [UInt8] = []
    market.writeCRSP { bytes += $0 }
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    #expect(lines.count == 1 + 40 * 17)
    #expect(lines[0] == "permno,date,ret,prc,shrout,siccd")
    #expect(lines[1].hasPrefix("10001,1999-11-30,") && lines[4].hasPrefix("10001,2000-02-29,"))
    let loaded = try CRSPExtract.load(path: temporaryFile("crsp.csv", bytes: bytes))
    #expect(loaded.months == market.panel.months && loaded.assetIDs == market.panel.assetIDs)
    #expect(loaded.denseReturns().storage == market.panel.denseReturns().storage)
    #expect(loaded.denseMarketCaps()?.storage == market.panel.denseMarketCaps()?.storage)
    #expect(loaded.sectors == market.panel.sectors)
}

@Test func unusableArgumentsThrow() {
    #expect(dataError { try SyntheticMarket.generate(stocks: 0, seed: 1, from: Month(2000, 1), to: Month(2000, 2)) }?.message
            == "a synthetic market needs at least one stock, got 0")
    #expect(dataError { try SyntheticMarket.generate(stocks: 3, seed: 1, from: Month(2000, 3), to: Month(2000, 2)) }?.message
            == "the first month 2000-03 comes after the last month 2000-02")
    #expect(dataError { try SyntheticMarket.generate(stocks: 3, seed: 1, from: Month(2000, 1), to: Month(2000, 2),
                                                     alphaVolatility: -1) }?.message
            == "the alpha volatility must be a finite number ≥ 0, got -1.0")
}
