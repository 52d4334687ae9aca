import TiltData

/// Everything a backtest produced: the monthly return series and what was held, decided and expected at
/// every rebalance. Metrics and reports are computed from it (see `PerformanceMetrics`, `TiltReport`).
///
/// Timing: the weights chosen at the rebalance at the end of month T (using data labelled ≤ T) earn the
/// returns of the months after T until the next rebalance. Returns are decimals, monthly.
public struct BacktestResult: Sendable, Codable {
    /// What this run is, for tables and legends: the strategy's name and, in a sweep, the swept value
    /// (e.g. `tev = 6%`).
    public var name: String
    /// The months whose returns were earned, in order (the first is the month after the first rebalance).
    public var months: [Month]
    /// Portfolio return of each month, net of trading costs (decimal).
    public var portfolioReturns: [Double]
    /// Benchmark return of each month (decimal).
    public var benchmarkReturns: [Double]
    /// Trading cost charged in each month (decimal, already subtracted from `portfolioReturns`).
    public var costs: [Double]
    /// The risk-free rate of each month (decimal), when the data has one; used for Sharpe ratios.
    public var riskFree: [Double]?
    public var rebalances: [Rebalance]
    /// Named crisis windows (built-in and the program's own `crisis` statements).
    public var crises: [CrisisWindow]
    /// The factor returns of each month (the factor model's regressors), for attributing active return to
    /// the exposures held (`FactorAttribution`); `nil` without a factor model (a parametric policy).
    public var factorReturns: FactorReturns?
    /// Each month's sector split of the weights held and of the returns they earned, for the
    /// Brinson–Fachler attribution (`BrinsonFachlerAttribution`); `nil` when sectors are unknown.
    public var sectorMonths: [SectorMonth]?
    /// Held positions (portfolio or benchmark) that had no return and no delisting information in a month:
    /// each earned 0 that month and left the book for cash (Docs/conventions.md). Empty when every held
    /// stock had its return.
    public var unpricedExits: [UnpricedExit] = []
    /// The assets of the universe left out at a rebalance by the estimation-window rule (eligible at T
    /// otherwise, without enough returns in the window: Docs/data.md); `nil` when none was.
    public var windowExclusions: WindowExclusions?

    public init(name: String, months: [Month], portfolioReturns: [Double], benchmarkReturns: [Double],
                costs: [Double], riskFree: [Double]?, rebalances: [Rebalance], crises: [CrisisWindow],
                factorReturns: FactorReturns? = nil, sectorMonths: [SectorMonth]? = nil) {
        self.name = name
        self.months = months
        self.portfolioReturns = portfolioReturns
        self.benchmarkReturns = benchmarkReturns
        self.costs = costs
        self.riskFree = riskFree
        self.rebalances = rebalances
        self.crises = crises
        self.factorReturns = factorReturns
        self.sectorMonths = sectorMonths
    }

    /// Portfolio minus benchmark return of each month.
    public var activeReturns: [Double] { zip(portfolioReturns, benchmarkReturns).map { $0 - $1 } }

    /// One rebalance: the decision taken at the end of `month` and the ex-ante view behind it.
    public struct Rebalance: Sendable, Codable {
        /// The month T at whose end the weights were chosen (data ≤ T).
        public var month: Month
        /// The assets eligible at this rebalance (with their weights below, in the same order).
        public var assets: [String]
        /// Portfolio weights (sum to 1 for a fully invested strategy).
        public var weights: [Double]
        /// Benchmark weights over the same assets.
        public var benchmarkWeights: [Double]
        /// The sector of each asset, when known.
        public var sectors: [String]?
        /// Σ|w − w_before|, where w_before are the previous weights drifted by returns (one-way turnover ×2).
        public var turnover: Double
        /// Factor names in the order of `activeExposures` (the intercept first: "alpha").
        public var factorNames: [String]
        /// Active factor exposures f = Bᵀ(w − b), intercept first.
        public var activeExposures: [Double]
        /// Ex-ante contributions to monthly active variance, one per factor (not the intercept), summing
        /// with `specificRiskContribution` to `exAnteActiveVariance`.
        public var factorRiskContributions: [Double]
        public var specificRiskContribution: Double
        /// Ex-ante monthly active variance fᵀΣ_f f + (w − b)ᵀE(w − b).
        public var exAnteActiveVariance: Double
        /// The solver's status word ("optimal", …).
        public var status: String
        /// How the month's problem was solved (`ProblemSolution.Method`'s words: "interior point", …); nil
        /// when no optimisation was involved.
        public var method: String?
        /// With a regime model: the forecast regime probabilities π_{T+h} the moments were mixed with.
        public var regimeProbabilities: [Double]?
        /// With a regime model: the filtered regime probabilities P(s_T | factors ≤ T) at the rebalance.
        public var filteredRegimeProbabilities: [Double]?

        public init(month: Month, assets: [String], weights: [Double], benchmarkWeights: [Double], sectors: [String]?,
                    turnover: Double, factorNames: [String], activeExposures: [Double],
                    factorRiskContributions: [Double], specificRiskContribution: Double,
                    exAnteActiveVariance: Double, status: String, method: String? = nil,
                    regimeProbabilities: [Double]? = nil, filteredRegimeProbabilities: [Double]? = nil) {
            self.month = month
            self.assets = assets
            self.weights = weights
            self.benchmarkWeights = benchmarkWeights
            self.sectors = sectors
            self.turnover = turnover
            self.factorNames = factorNames
            self.activeExposures = activeExposures
            self.factorRiskContributions = factorRiskContributions
            self.specificRiskContribution = specificRiskContribution
            self.exAnteActiveVariance = exAnteActiveVariance
            self.status = status
            self.method = method
            self.regimeProbabilities = regimeProbabilities
            self.filteredRegimeProbabilities = filteredRegimeProbabilities
        }

        /// Annualised ex-ante tracking error √(12 · variance).
        public var exAnteTrackingError: Double { (12 * exAnteActiveVariance).squareRoot() }
    }
}

/// The factor returns of each month of a backtest (decimal, monthly), one row per month in `months`' order.
public struct FactorReturns: Sendable, Equatable, Codable {
    /// Factor names, as in the rebalances' `factorNames` after the intercept ("mktrf", "smb", …).
    public var names: [String]
    /// `values[t][k]`: the return of factor k in month t.
    public var values: [[Double]]

    public init(names: [String], values: [[Double]] = []) {
        self.names = names
        self.values = values
    }
}

/// One month of a backtest split by sector: the weights held at the start of the month (after drift) and
/// what they earned, before trading costs. Sectors appear in the order their first asset does.
public struct SectorMonth: Sendable, Equatable, Codable {
    public var sectors: [String]
    /// Σ w over each sector's assets: portfolio and benchmark (decimal).
    public var portfolioWeights: [Double]
    public var benchmarkWeights: [Double]
    /// Σ w·r over each sector's assets: the sector's contribution to the portfolio's and the benchmark's
    /// return in the month (decimal, gross of costs); they sum to the month's gross returns.
    public var portfolioContributions: [Double]
    public var benchmarkContributions: [Double]

    public init(sectors: [String], portfolioWeights: [Double], benchmarkWeights: [Double],
                portfolioContributions: [Double], benchmarkContributions: [Double]) {
        self.sectors = sectors
        self.portfolioWeights = portfolioWeights
        self.benchmarkWeights = benchmarkWeights
        self.portfolioContributions = portfolioContributions
        self.benchmarkContributions = benchmarkContributions
    }

    /// Sums asset-level `weights`, `benchmarkWeights` and their products with `returns` (all one per
    /// asset, in the order of `assetSectors`) by sector.
    public init(assetSectors: [String], weights: [Double], benchmarkWeights: [Double], returns: [Double]) {
        self = SectorGrouping(assetSectors: assetSectors).split(weights: weights, benchmarkWeights: benchmarkWeights, returns: returns)
    }
}

/// A set of assets grouped by sector once (the assets of one rebalance), to split each month of its
/// holding period by sector without looking the sectors up again.
public struct SectorGrouping: Sendable {
    /// The sectors in the order their first asset appears.
    public let sectors: [String]
    /// The position in `sectors` of each asset's sector.
    private let index: [Int]

    public init(assetSectors: [String]) {
        var position: [String: Int] = [:]
        var sectors: [String] = []
        index = assetSectors.map { sector in
            if let known = position[sector] { return known }
            position[sector] = sectors.count
            sectors.append(sector)
            return sectors.count - 1
        }
        self.sectors = sectors
    }

    /// The month's split of asset-level `weights`, `benchmarkWeights` and `returns` (one per asset, in the
    /// grouping's order).
    public func split(weights: [Double], benchmarkWeights: [Double], returns: [Double]) -> SectorMonth {
        var w = [Double](repeating: 0, count: sectors.count), b = w, cp = w, cb = w
        for (i, s) in index.enumerated() {
            w[s] += weights[i]
            b[s] += benchmarkWeights[i]
            cp[s] += weights[i] * returns[i]
            cb[s] += benchmarkWeights[i] * returns[i]
        }
        return SectorMonth(sectors: sectors, portfolioWeights: w, benchmarkWeights: b, portfolioContributions: cp, benchmarkContributions: cb)
    }
}

/// A named period of market stress, inclusive of both months.
public struct CrisisWindow: Sendable, Equatable, Codable {
    public var name: String
    public var from: Month
    public var to: Month
    /// One of `builtIn`, the defaults every backtest is looked at in (a report passes over those outside
    /// its months in silence), rather than a window the program asked for.
    public var isBuiltIn: Bool

    public init(name: String, from: Month, to: Month, isBuiltIn: Bool = false) {
        self.name = name
        self.from = from
        self.to = to
        self.isBuiltIn = isBuiltIn
    }

    /// The built-in windows: NBER recessions 1969–2020, the 1987 crash, the dot-com bust, the GFC, COVID and
    /// 2022's inflation sell-off.
    public static let builtIn: [CrisisWindow] = [
        CrisisWindow(name: "1969–70 recession", from: Month(1969, 12), to: Month(1970, 11), isBuiltIn: true),
        CrisisWindow(name: "1973–75 recession", from: Month(1973, 11), to: Month(1975, 3), isBuiltIn: true),
        CrisisWindow(name: "1980 recession", from: Month(1980, 1), to: Month(1980, 7), isBuiltIn: true),
        CrisisWindow(name: "1981–82 recession", from: Month(1981, 7), to: Month(1982, 11), isBuiltIn: true),
        CrisisWindow(name: "1987 crash", from: Month(1987, 10), to: Month(1987, 10), isBuiltIn: true),
        CrisisWindow(name: "1990–91 recession", from: Month(1990, 7), to: Month(1991, 3), isBuiltIn: true),
        CrisisWindow(name: "Dot-com", from: Month(2000, 3), to: Month(2002, 10), isBuiltIn: true),
        CrisisWindow(name: "2001 recession", from: Month(2001, 3), to: Month(2001, 11), isBuiltIn: true),
        CrisisWindow(name: "GFC", from: Month(2007, 12), to: Month(2009, 6), isBuiltIn: true),
        CrisisWindow(name: "COVID", from: Month(2020, 2), to: Month(2020, 4), isBuiltIn: true),
        CrisisWindow(name: "2022 sell-off", from: Month(2022, 1), to: Month(2022, 12), isBuiltIn: true),
    ]
}

/// The assets the estimation-window rule left out of a backtest's rebalances (each eligible at T
/// otherwise: a return and a cap then, no delisting), with the size of the universe and, when the
/// benchmark was read from a file, that file, for the notes of a run (`BacktestResult.dataNotes`).
public struct WindowExclusions: Sendable, Equatable, Codable {
    /// The number of assets in the universe.
    public var universeCount: Int
    /// The file of a `benchmark read("…")`, `nil` for any other benchmark.
    public var benchmarkFile: String?
    /// One per rebalance at which at least one asset was left out, in order.
    public var rebalances: [WindowExclusion]

    public init(universeCount: Int, benchmarkFile: String?, rebalances: [WindowExclusion]) {
        self.universeCount = universeCount
        self.benchmarkFile = benchmarkFile
        self.rebalances = rebalances
    }
}

/// The assets left out at the rebalance of `month` by the estimation-window rule.
public struct WindowExclusion: Sendable, Equatable, Codable {
    public var month: Month
    /// Their ids, in the universe's order.
    public var assets: [String]
    /// For a benchmark read from a file: the share of its weight (over the assets eligible at `month`
    /// before the window rule) that these assets carried, which the renormalisation gave to the others;
    /// `nil` for any other benchmark.
    public var benchmarkShare: Double?

    public init(month: Month, assets: [String], benchmarkShare: Double?) {
        self.month = month
        self.assets = assets
        self.benchmarkShare = benchmarkShare
    }
}

/// A held position without a return and without delisting information in `month`: it earned 0 that
/// month and left the book (its value held as cash until the next rebalance).
public struct UnpricedExit: Sendable, Equatable, Codable {
    public var month: Month
    public var asset: String
    /// The weights held at the start of the month (after drift).
    public var portfolioWeight: Double
    public var benchmarkWeight: Double

    public init(month: Month, asset: String, portfolioWeight: Double, benchmarkWeight: Double) {
        self.month = month
        self.asset = asset
        self.portfolioWeight = portfolioWeight
        self.benchmarkWeight = benchmarkWeight
    }
}
