import TiltData
import TiltModels

/// A parametric portfolio policy (Brandt, Santa-Clara & Valkanov 2009) on Ken French's industries:
/// `wᵢ = w̄ᵢ + θᵀx̂ᵢ / N_T`, θ fitted in sample and re-estimated at every rebalance out of sample.
public struct PolicyPlan: Sendable, Equatable, Codable {
    /// A characteristic of the policy: one of the industries' own, or a user's wide CSV panel.
    public enum Characteristic: Sendable, Equatable, Codable {
        case size, value, momentum
        /// Raw values from `month,<asset>,…`, named `name` (the file's stem).
        case file(path: String, name: String)
    }

    /// The benchmark w̄: caps at T over the cross-section, or 1/N.
    public enum Benchmark: String, Sendable, Codable { case marketCap, equal }

    /// The industry portfolios file.
    public var industries: String
    public var characteristics: [Characteristic]
    public var benchmark: Benchmark
    /// The in-sample fit's decision months.
    public var fitFrom: Month
    public var fitTo: Month
    /// The out-of-sample re-estimation window (an expanding one starts at its `from`).
    public var window: FactorModelPlan.Window
    /// Truncate the held weights at zero and renormalise (eq. 16).
    public var longOnly: Bool
    /// CRRA relative risk aversion γ (1: log utility).
    public var riskAversion: Double
    /// Out-of-sample decision months (monthly); by default the month after the fit through the data's
    /// second-to-last month.
    public var from: Month?
    public var to: Month?
    /// Trading cost per unit of turnover.
    public var costPerTurnover: Double
    /// The program's own crisis windows.
    public var crises: [StrategyPlan.Crisis]

    public init(industries: String, characteristics: [Characteristic], benchmark: Benchmark, fitFrom: Month, fitTo: Month,
                window: FactorModelPlan.Window, longOnly: Bool, riskAversion: Double, from: Month?, to: Month?,
                costPerTurnover: Double, crises: [StrategyPlan.Crisis]) {
        self.industries = industries
        self.characteristics = characteristics
        self.benchmark = benchmark
        self.fitFrom = fitFrom
        self.fitTo = fitTo
        self.window = window
        self.longOnly = longOnly
        self.riskAversion = riskAversion
        self.from = from
        self.to = to
        self.costPerTurnover = costPerTurnover
        self.crises = crises
    }
}
