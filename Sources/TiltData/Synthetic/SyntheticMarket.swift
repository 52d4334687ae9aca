import Foundation
import TiltLinearAlgebra

/// A simulated stock market for examples, tests and Monte Carlo studies, deterministic for a seed.
///
/// Month by month a regime follows the calibration's Markov chain (the first from its start
/// probabilities) and the factor returns are drawn from that regime's Gaussian. Each stock draws once
/// its stacked loading vector (every factor in every regime) from the calibration's cross-sectional
/// Gaussian and an alpha from N(0, alphaVolatility²); its monthly return is
/// rf + α + β(regime)ᵀ f + ε with ε ~ N(0, residual variance of the regime), floored at −99% so that
/// prices stay positive. Stocks get the ten SIC divisions in turn (stock j the j-th modulo 10) and a SIC
/// code drawn within the division. Market caps start lognormal (median $500 million, log standard
/// deviation 1.5, before the first month) with about $25 a share, and grow with the returns (no
/// dividends, constant shares). There are no missing returns.
///
/// Draw order: the regime path, the factor returns, then stock by stock (so that the first stocks of a
/// larger market equal a smaller market drawn with the same seed and months).
public struct SyntheticMarket: Sendable {
    /// The stocks: returns (monthly, decimal), market caps ($ thousands, as CRSP's |prc| × shrout) and
    /// sectors (SIC division names); asset ids are permnos "10001", "10002", ….
    public let panel: AssetPanel
    /// The factor returns that drove the stocks and the risk-free rate, shaped as a loaded factor file.
    public let factors: FactorFile
    /// The regime (0-based state of the calibration) of each month.
    public let regimes: [Int]
    /// `loadings[s]`: K × N factor loadings of the stocks in regime s, rows by factor, columns by asset.
    public let loadings: [Matrix]
    /// Each stock's alpha (monthly, decimal).
    public let alphas: [Double]
    /// Each stock's four-digit SIC code (consistent with its sector).
    public let sicCodes: [Int]
    /// Constant shares outstanding of each stock, thousands.
    public let sharesOutstanding: [Double]
    /// months × stocks share prices ($), so that caps are prices × shares outstanding.
    public let prices: Matrix

    /// Median starting market cap, $ thousands.
    static let medianStartCap = 500_000.0
    /// Standard deviation of the log starting market cap.
    static let logStartCapDeviation = 1.5
    /// Approximate starting share price, $.
    static let startPrice = 25.0
    /// The lowest simulated monthly return.
    static let returnFloor = -0.99
    /// The first permno; stock j is `firstPermno + j`.
    static let firstPermno = 10001

    /// The most stocks × months a market may have: each of its returns, prices and caps takes 8 bytes per
    /// stock-month (200 MB each at this bound), and `tilt synth --stocks 100000 --from 1000-01` must be an
    /// error, not an out-of-memory abort.
    public static let maximumStockMonths = 25_000_000

    /// Draws a market of `stocks` stocks over the months `from` through `to`.
    ///
    /// - Parameters:
    ///   - alphaVolatility: cross-sectional standard deviation of the stocks' alphas (monthly,
    ///     decimal); 0 (the default) makes expected excess returns purely factor-driven, as calibrated.
    ///   - calibration: the parameters; by default the study's embedded calibration.
    public static func generate(stocks: Int, seed: UInt64, from: Month, to: Month, alphaVolatility: Double = 0,
                                calibration: RegimeCalibration = .study) throws -> SyntheticMarket {
        let source = "synthetic market (seed \(seed))"
        guard stocks >= 1 else {
            throw DataError(path: source, line: 0, message: "a synthetic market needs at least one stock, got \(stocks)")
        }
        guard from <= to else {
            throw DataError(path: source, line: 0, message: "the first month \(from) comes after the last month \(to)")
        }
        guard alphaVolatility >= 0, alphaVolatility.isFinite else {
            throw DataError(path: source, line: 0, message: "the alpha volatility must be a finite number ≥ 0, got \(alphaVolatility)")
        }
        let (stockMonths, overflow) = stocks.multipliedReportingOverflow(by: to - from + 1)
        guard !overflow, stockMonths <= maximumStockMonths else {
            throw DataError(path: source, line: 0, message: "\(stocks) stocks over the \(to - from + 1) months \(from)…\(to) are "
                + "more than \(maximumStockMonths) stock-months, too many to hold in memory: give fewer stocks or a shorter period")
        }
        var random = Xoshiro256StarStar(seed: seed)
        let months = (0...(to - from)).map { from + $0 }
        let regimes = regimePath(months: months.count, calibration: calibration, random: &random)
        let factorReturns = try drawFactors(regimes: regimes, calibration: calibration, random: &random)
        let stockDraws = try StockDraws(stocks: stocks, months: months.count, regimes: regimes, factors: factorReturns,
                                        alphaVolatility: alphaVolatility, calibration: calibration, random: &random)
        let labels = months.map(\.description)
        let ids = (0..<stocks).map { String(firstPermno + $0) }
        let panel = try AssetPanel(path: source, months: months, assetIDs: ids,
                                   returns: Matrix(rows: months.count, cols: stocks, columnMajor: stockDraws.returns),
                                   marketCaps: Matrix(rows: months.count, cols: stocks, columnMajor: stockDraws.caps),
                                   sectors: stockDraws.sicCodes.map { SICDivision(sicCode: $0).name })
        let factors = FactorFile(
            path: source, months: months, factorNames: calibration.factorNames,
            returns: Matrix(rows: months.count, cols: calibration.factorNames.count, columnMajor: factorReturns,
                            rowLabels: labels, colLabels: calibration.factorNames),
            riskFree: Matrix(rows: months.count, cols: 1,
                             columnMajor: [Double](repeating: calibration.riskFreeRate, count: months.count),
                             rowLabels: labels, colLabels: ["rf"]))
        return SyntheticMarket(
            panel: panel, factors: factors, regimes: regimes,
            loadings: stockDraws.loadings.map { state in
                Matrix(rows: calibration.factorNames.count, cols: stocks, columnMajor: state,
                       rowLabels: calibration.factorNames, colLabels: ids)
            },
            alphas: stockDraws.alphas, sicCodes: stockDraws.sicCodes, sharesOutstanding: stockDraws.shares,
            prices: Matrix(rows: months.count, cols: stocks, columnMajor: stockDraws.prices,
                           rowLabels: labels, colLabels: ids))
    }

    /// The regime of each month: the first from the start probabilities, then the Markov chain.
    static func regimePath(months: Int, calibration: RegimeCalibration,
                                   random: inout Xoshiro256StarStar) -> [Int] {
        var path = [random.nextIndex(probabilities: calibration.startProbabilities)]
        while path.count < months {
            path.append(random.nextIndex(probabilities: calibration.transitionMatrix[path[path.count - 1]]))
        }
        return path
    }

    /// months × K factor returns (column-major), each month from its regime's Gaussian.
    static func drawFactors(regimes: [Int], calibration: RegimeCalibration,
                                    random: inout Xoshiro256StarStar) throws -> [Double] {
        let samplers = try (0..<calibration.stateCount).map {
            try GaussianSampler(mean: calibration.factorMeans[$0], covariance: calibration.factorCovariances[$0])
        }
        let k = calibration.factorNames.count
        var returns = [Double](repeating: 0, count: regimes.count * k)
        var draw = [Double](repeating: 0, count: k)
        for (t, state) in regimes.enumerated() {
            samplers[state].sample(into: &draw, random: &random)
            for f in 0..<k { returns[t + f * regimes.count] = draw[f] }
        }
        return returns
    }
}

/// The stock-level draws of a synthetic market, column-major months × stocks where shaped so.
private struct StockDraws {
    var returns: [Double] = [], caps: [Double] = [], prices: [Double] = []
    /// `loadings[s]`: K × N column-major.
    var loadings: [[Double]]
    var alphas: [Double] = [], sicCodes: [Int] = [], shares: [Double] = []

    init(stocks: Int, months: Int, regimes: [Int], factors: [Double], alphaVolatility: Double,
         calibration: RegimeCalibration, random: inout Xoshiro256StarStar) throws {
        let k = calibration.factorNames.count
        let loadingSampler = try GaussianSampler(mean: calibration.loadingMeans, covariance: calibration.loadingCovariance)
        let slot = try LoadingSlots(calibration)
        let residualDeviations = calibration.residualVariances.map { $0.squareRoot() }
        // The major groups (first two SIC digits) of each of the ten divisions, as SICDivision maps them.
        let majorGroups = SICDivision.allCases.filter { $0 != .other }.map { division in
            (1...99).filter { SICDivision(sicCode: $0 * 100) == division }
        }
        loadings = Array(repeating: [Double](repeating: 0, count: k * stocks), count: calibration.stateCount)
        returns = [Double](repeating: 0, count: months * stocks)
        caps = returns
        prices = returns
        var stacked = [Double](repeating: 0, count: calibration.loadingMeans.count)
        for j in 0..<stocks {
            loadingSampler.sample(into: &stacked, random: &random)
            for (position, target) in slot.targets.enumerated() {
                loadings[target.state][target.factor + j * k] = stacked[position]
            }
            let alpha = alphaVolatility * random.nextNormal()
            let startCap = SyntheticMarket.medianStartCap * exp(SyntheticMarket.logStartCapDeviation * random.nextNormal())
            let sharesOutstanding = max(1, (startCap / SyntheticMarket.startPrice).rounded())
            var price = startCap / sharesOutstanding
            for t in 0..<months {
                let state = regimes[t]
                var r = calibration.riskFreeRate + alpha + residualDeviations[state] * random.nextNormal()
                for f in 0..<k { r += loadings[state][f + j * k] * factors[t + f * months] }
                r = max(r, SyntheticMarket.returnFloor)
                price *= 1 + r
                returns[t + j * months] = r
                prices[t + j * months] = price
                caps[t + j * months] = price * sharesOutstanding
            }
            alphas.append(alpha)
            shares.append(sharesOutstanding)
            let groups = majorGroups[j % majorGroups.count]
            let group = groups[Int(clamping: random.nextUniform() * Double(groups.count), rounding: .down, to: 0...groups.count - 1)]
            sicCodes.append(group * 100 + Int(clamping: random.nextUniform() * 100, rounding: .down, to: 0...99))
        }
    }
}

/// Where each entry of the calibration's stacked loading vector goes: (regime, factor position).
struct LoadingSlots {
    let targets: [(state: Int, factor: Int)]

    init(_ calibration: RegimeCalibration) throws {
        targets = try calibration.loadingIndex.map { entry in
            guard let factor = calibration.factorNames.firstIndex(of: entry.factor),
                  (0..<calibration.stateCount).contains(entry.state) else {
                throw DataError(path: "regime calibration", line: 0,
                                message: "loading index (\(entry.factor), \(entry.state)) names no factor and regime of the calibration")
            }
            return (entry.state, factor)
        }
    }
}

/// Draws from N(mean, covariance) as mean + L z with L the Cholesky factor.
struct GaussianSampler {
    let mean: [Double]
    let factor: Matrix

    init(mean: [Double], covariance: Matrix) throws {
        self.mean = mean
        factor = try covariance.cholesky()
    }

    /// Writes one draw into `output` (of the mean's length).
    func sample(into output: inout [Double], random: inout Xoshiro256StarStar) {
        let n = mean.count
        for i in 0..<n { output[i] = random.nextNormal() }
        // In place from the last entry up: entry i needs z₀…zᵢ, which are still unchanged.
        for i in stride(from: n - 1, through: 0, by: -1) {
            var value = mean[i]
            for k in 0...i { value += factor.storage[i + k * n] * output[k] }
            output[i] = value
        }
    }
}
