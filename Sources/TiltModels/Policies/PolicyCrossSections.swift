import TiltData
import TiltLinearAlgebra

/// The cross-sections a parametric policy works on, one per decision month T (the end of month T, when
/// weights are chosen to earn month T + 1): the assets in it, their benchmark weights, their standardised
/// characteristics at T and their returns in T + 1.
///
/// An asset is in the cross-section at T when it has a return in T + 1, a positive market cap at T (when
/// caps are known) and every characteristic at T. Built once for the whole history; estimating θ then
/// needs only each month's benchmark return and characteristic-weighted return (`tilt`).
public struct PolicyCrossSections: Sendable {
    /// How the benchmark w̄ of the policy is weighted.
    public enum Benchmark: Sendable, Equatable {
        /// Market caps at T normalised over the cross-section.
        case marketCap
        /// 1/N_T over the cross-section.
        case equal
    }

    /// One decision month's cross-section.
    public struct Section: Sendable {
        public let month: Month
        /// Universe columns of the assets in the cross-section.
        public let assets: [Int]
        /// Benchmark weights w̄ (sum to 1).
        public let benchmarkWeights: [Double]
        /// Standardised characteristics, assets × characteristics, row-major: x̂ of asset i is
        /// `characteristics[i*K ..< (i+1)*K]`.
        public let characteristics: [Double]
        /// Returns of the assets in month T + 1 (decimal).
        public let nextReturns: [Double]
        /// Benchmark return in T + 1: Σ w̄ᵢ rᵢ.
        public let benchmarkReturn: Double
        /// The policy's return per unit of θ: (1/N) Σ x̂ᵢ rᵢ (one per characteristic), so that the
        /// untruncated policy earns `benchmarkReturn + θᵀtilt`.
        public let tilt: [Double]
    }

    /// Characteristic names, in θ's order.
    public let characteristicNames: [String]
    /// The universe's asset names.
    public let assetNames: [String]
    /// The universe's months.
    public let months: [Month]
    /// The cross-section of each universe month (`nil` when T is the last month, when fewer than two
    /// assets qualify, or when a characteristic has no spread at T).
    public let sections: [Section?]
    private let indexOfMonth: [Month: Int]

    /// Builds the cross-sections. `returns` and `marketCaps` (optional; required for `.marketCap`) are
    /// months × assets like every characteristic panel.
    public init(months: [Month], assetNames: [String], returns: Matrix, marketCaps: Matrix?,
                characteristics: [CharacteristicPanel], benchmark: Benchmark) throws {
        guard !characteristics.isEmpty else { throw PolicyError(.invalidInput, "a policy needs at least one characteristic") }
        for panel in [returns] + (marketCaps.map { [$0] } ?? []) + characteristics.map(\.values)
        where panel.rows != months.count || panel.cols != assetNames.count {
            throw PolicyError(.invalidInput, "a panel is \(panel.shapeDescription) but the universe has \(months.count) months × \(assetNames.count) assets")
        }
        if benchmark == .marketCap && marketCaps == nil {
            throw PolicyError(.invalidInput, "a market-cap benchmark needs market caps, and this universe has none")
        }
        characteristicNames = characteristics.map(\.name)
        self.assetNames = assetNames
        self.months = months
        indexOfMonth = Dictionary(months.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let k = characteristics.count
        sections = months.indices.map { t -> Section? in
            guard t + 1 < months.count else { return nil }
            let assets = (0..<assetNames.count).filter { j in
                returns[t + 1, j].isFinite
                    && (marketCaps.map { $0[t, j].isFinite && $0[t, j] > 0 } ?? true)
                    && characteristics.allSatisfy { $0.values[t, j].isFinite }
            }
            let n = assets.count
            var x = [Double](repeating: 0, count: n * k)
            for (c, panel) in characteristics.enumerated() {
                var column = assets.map { panel.values[t, $0] }
                guard CrossSectionalStandardization.standardize(&column) else { return nil }
                for i in 0..<n { x[i * k + c] = column[i] }
            }
            let raw = assets.map { j in benchmark == .marketCap ? (marketCaps?[t, j] ?? 0) : 1 }
            let total = raw.reduce(0, +)
            let weights = raw.map { $0 / total }
            let next = assets.map { returns[t + 1, $0] }
            var tilt = [Double](repeating: 0, count: k)
            for i in 0..<n { for c in 0..<k { tilt[c] += x[i * k + c] * next[i] } }
            return Section(month: months[t], assets: assets, benchmarkWeights: weights, characteristics: x,
                         nextReturns: next, benchmarkReturn: zip(weights, next).reduce(0) { $0 + $1.0 * $1.1 },
                         tilt: tilt.map { $0 / Double(n) })
        }
    }

    /// The cross-section of decision month `month`, or `nil` when it has none.
    public func section(at month: Month) -> Section? {
        indexOfMonth[month].flatMap { sections[$0] }
    }

    /// The cross-sections of the decision months `range` (inclusive), in order; throws naming the first
    /// month that has none.
    public func sections(_ range: ClosedRange<Month>) throws -> [Section] {
        try (range.lowerBound.ordinal...range.upperBound.ordinal).map { ordinal in
            let month = Month(ordinal: ordinal)
            guard let section = section(at: month) else {
                throw PolicyError(.missingCrossSection, month: month,
                                  "no cross-section: the month is outside the data, it is the last month, or fewer than two assets have a return next month and every characteristic this month")
            }
            return section
        }
    }
}
