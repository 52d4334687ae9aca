import TiltData
import TiltModels
import TiltPortfolio

/// Which factor model a backtest estimates at each rebalance (over the specification's window).
public enum FactorModelSpecification: Sendable, Equatable {
    /// Time-series OLS per asset (`OLSFactorModel`): `model ols(…)`.
    case ols
    /// A regime-switching model (`RegimeFactorModel`): `model regime(…)`. The HMM is refitted at every
    /// rebalance, warm-started from the previous rebalance's fit within one run.
    case regime(RegimeModelOptions)
}

/// Everything a backtest needs, independent of how it was written (a Tilt program builds one).
public struct StrategySpecification: Sendable {
    /// How the benchmark's weights are set at each rebalance.
    public enum Benchmark: Sendable {
        /// Market caps at T, normalised over the eligible units.
        case marketCap
        /// 1/n over the eligible units.
        case equal
        /// No benchmark: b = 0, so "active" means absolute.
        case none
        /// Fixed weights by unit name (renormalised over the eligible units).
        case fixed([String: Double])
    }

    /// What the decision variables are.
    public enum Allocation: String, Sendable, Codable {
        case assets
        /// Sector weights; inside a sector, stocks are held in proportion to their market caps (sector rotation).
        case sectors
    }

    public var name: String
    public var data: AlignedData
    public var benchmark: Benchmark
    /// The file a fixed benchmark was read from (`benchmark read("…")`), named in the run's notes.
    public var benchmarkFile: String?
    /// The estimation window of the factor model (data labelled ≤ T only).
    public var window: EstimationWindow
    /// How many of the window's months an asset needs a return in (complete by default; CRSP universes
    /// allow missing months).
    public var observations: ObservationRequirement = .complete
    public var model: FactorModelSpecification
    /// The months T at whose end the portfolio is rebalanced (increasing, each in the data and before its last month).
    public var rebalanceMonths: [Month]
    /// Proportional trading cost per unit of turnover (10bps = 0.001), charged in the month after the rebalance.
    public var costPerTurnover: Double
    public var allocation: Allocation
    public var crises: [CrisisWindow]
    /// The portfolio problem solved at every rebalance, in the month's context.
    public var problem: PortfolioProblem
    /// Factor models shared with other specifications that have the same data, window, model and
    /// schedule (the values of a sweep); `nil` to estimate every month afresh.
    public var modelCache: FactorModelCache?

    public init(name: String, data: AlignedData, benchmark: Benchmark, window: EstimationWindow, model: FactorModelSpecification = .ols,
                rebalanceMonths: [Month], costPerTurnover: Double, allocation: Allocation, crises: [CrisisWindow],
                modelCache: FactorModelCache? = nil, problem: PortfolioProblem) {
        self.name = name
        self.data = data
        self.benchmark = benchmark
        self.window = window
        self.model = model
        self.rebalanceMonths = rebalanceMonths
        self.costPerTurnover = costPerTurnover
        self.allocation = allocation
        self.crises = crises
        self.problem = problem
        self.modelCache = modelCache
    }
}

/// A backtest that could not be completed, with the rebalance month where it stopped.
public struct BacktestError: Error, Sendable, CustomStringConvertible {
    public var month: Month?
    public var message: String
    public var hint: String?
    /// When the portfolio problem could not be posed or solved: where in the problem (for a located message).
    public var problemError: PortfolioProblemError?
    /// When a row of the data caused it (a month without any return): that row, with the file and line, the
    /// message and the hint, for a message located in the data file.
    public var dataError: DataError?

    public init(month: Month?, _ message: String, hint: String? = nil, problemError: PortfolioProblemError? = nil,
                dataError: DataError? = nil) {
        self.month = month
        self.message = message
        self.hint = hint
        self.problemError = problemError
        self.dataError = dataError
    }

    public var description: String {
        (month.map { "at the rebalance of \($0): " } ?? "") + message
    }
}
