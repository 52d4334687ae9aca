import TiltData

/// The weights a policy holds from one decision month T to the next, and what they earned in T + 1.
public struct PolicyHolding: Sendable {
    /// The decision month T.
    public let month: Month
    /// Universe columns of the assets held (the cross-section at T).
    public let assets: [Int]
    /// Policy weights (sum to 1).
    public let weights: [Double]
    /// Benchmark weights w̄ over the same assets.
    public let benchmarkWeights: [Double]
    /// The assets' returns in month T + 1 (decimal).
    public let assetReturns: [Double]
    /// Σ wᵢ rᵢ over month T + 1 (decimal).
    public let portfolioReturn: Double
    /// Σ w̄ᵢ rᵢ over month T + 1 (decimal).
    public let benchmarkReturn: Double
    /// The characteristic exposures of the active weights, Σᵢ (wᵢ − w̄ᵢ) x̂ᵢ (one per characteristic).
    public let activeCharacteristics: [Double]

    /// wᵢ = w̄ᵢ + θᵀx̂ᵢ/N (eq. 2 of Brandt, Santa-Clara & Valkanov 2009); with `longOnly`, truncated at
    /// zero and renormalised, wᵢ⁺ = max(0, wᵢ)/Σⱼ max(0, wⱼ) (their eq. 16).
    init(theta: [Double], section: PolicyCrossSections.Section, longOnly: Bool) {
        let k = theta.count
        let n = section.assets.count
        var weights = (0..<n).map { i in
            var tilt = 0.0
            for c in 0..<k { tilt += theta[c] * section.characteristics[i * k + c] }
            return section.benchmarkWeights[i] + tilt / Double(n)
        }
        if longOnly {
            let total = weights.reduce(0) { $0 + max($1, 0) }
            // All weights ≤ 0 cannot happen (they sum to 1); guard anyway against rounding.
            if total > 0 { weights = weights.map { max($0, 0) / total } }
        }
        var active = [Double](repeating: 0, count: k)
        for i in 0..<n {
            let a = weights[i] - section.benchmarkWeights[i]
            for c in 0..<k { active[c] += a * section.characteristics[i * k + c] }
        }
        month = section.month
        assets = section.assets
        self.weights = weights
        benchmarkWeights = section.benchmarkWeights
        assetReturns = section.nextReturns
        portfolioReturn = zip(weights, section.nextReturns).reduce(0) { $0 + $1.0 * $1.1 }
        benchmarkReturn = section.benchmarkReturn
        activeCharacteristics = active
    }
}

/// Averages over decision months of how extreme a policy's weights are (Brandt, Santa-Clara & Valkanov
/// 2009, Table 2's weight rows). Weights are decimals.
public struct PolicyWeightStatistics: Sendable, Equatable {
    /// Mean over months of the largest weight.
    public let averageMaximumWeight: Double
    /// Mean over months of the smallest weight (negative when short).
    public let averageMinimumWeight: Double
    /// Mean over months of Σ|wᵢ| (1 for a long-only portfolio; 1 + 2 × the short side otherwise).
    public let averageGrossExposure: Double
    /// Mean over months of the fraction of assets with wᵢ < 0.
    public let averageShortFraction: Double
    /// Number of months averaged.
    public let months: Int

    public init(_ holdings: [PolicyHolding]) {
        func mean(_ f: (PolicyHolding) -> Double) -> Double {
            holdings.isEmpty ? .nan : holdings.reduce(0) { $0 + f($1) } / Double(holdings.count)
        }
        averageMaximumWeight = mean { $0.weights.max() ?? .nan }
        averageMinimumWeight = mean { $0.weights.min() ?? .nan }
        averageGrossExposure = mean { $0.weights.reduce(0) { $0 + abs($1) } }
        averageShortFraction = mean { Double($0.weights.filter { $0 < 0 }.count) / Double(max($0.weights.count, 1)) }
        months = holdings.count
    }
}
