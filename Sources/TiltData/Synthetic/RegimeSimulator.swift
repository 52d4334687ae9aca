import TiltLinearAlgebra

/// The calibration's random draws one at a time, for Monte Carlo studies that need more than a whole
/// synthetic market: regime paths, factor returns and stocks' regime-conditional loadings, drawn exactly
/// as `SyntheticMarket` draws them (its regime path, factor and loading samplers), with the samplers'
/// Cholesky factors computed once.
public struct RegimeSimulator: Sendable {
    public let calibration: RegimeCalibration
    private let loadingSampler: GaussianSampler
    private let slots: LoadingSlots

    public init(calibration: RegimeCalibration = .study) throws {
        self.calibration = calibration
        loadingSampler = try GaussianSampler(mean: calibration.loadingMeans, covariance: calibration.loadingCovariance)
        slots = try LoadingSlots(calibration)
    }

    /// The regime (0-based) of each of `months` months: the first from the start probabilities, then the
    /// Markov chain.
    public func regimePath(months: Int, random: inout Xoshiro256StarStar) -> [Int] {
        SyntheticMarket.regimePath(months: months, calibration: calibration, random: &random)
    }

    /// months × K factor returns (monthly, decimal), each month from its regime's Gaussian.
    public func factorReturns(regimes: [Int], random: inout Xoshiro256StarStar) throws -> Matrix {
        let values = try SyntheticMarket.drawFactors(regimes: regimes, calibration: calibration, random: &random)
        return Matrix(rows: regimes.count, cols: calibration.factorNames.count, columnMajor: values)
    }

    /// `loadings[s]`: K × `stocks` loadings in regime s, each stock's stacked vector (every factor in every
    /// regime) one draw from the cross-sectional Gaussian.
    public func loadings(stocks: Int, random: inout Xoshiro256StarStar) -> [Matrix] {
        let k = calibration.factorNames.count
        var out = [[Double]](repeating: [Double](repeating: 0, count: k * stocks), count: calibration.stateCount)
        var stacked = [Double](repeating: 0, count: calibration.loadingMeans.count)
        for j in 0..<stocks {
            loadingSampler.sample(into: &stacked, random: &random)
            for (position, target) in slots.targets.enumerated() { out[target.state][target.factor + j * k] = stacked[position] }
        }
        return out.map { Matrix(rows: k, cols: stocks, columnMajor: $0) }
    }
}
