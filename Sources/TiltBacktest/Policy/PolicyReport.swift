import TiltData
import TiltModels

/// What a parametric policy program estimated, for the CLI's tables: the in-sample θ with standard
/// errors and statistics, and the out-of-sample θ path (its backtest is a `BacktestResult`).
public struct PolicyReport: Sendable {
    /// Characteristic names, in θ's order.
    public let characteristics: [String]
    public let utility: CRRAUtility
    public let longOnly: Bool
    /// Rolling or expanding re-estimation window of the out-of-sample run.
    public let window: EstimationWindow
    /// θ̂, standard errors and mean utility over the in-sample decision months.
    public let inSample: PolicyFit
    /// Returns of the in-sample policy (θ̂ applied to its own estimation months) and of the benchmark, in
    /// the months after each decision; no risk-free rate (Sharpe ratio = mean/volatility).
    public let inSamplePolicy: ReturnStatistics
    public let inSampleBenchmark: ReturnStatistics
    public let inSampleWeights: PolicyWeightStatistics
    public let outOfSampleWeights: PolicyWeightStatistics
    /// The decision months of the out-of-sample run and θ estimated at each.
    public let outOfSampleMonths: [Month]
    public let thetaPath: [[Double]]
}
