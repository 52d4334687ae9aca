import TiltData

/// What a parametric policy adds to its report: its estimates as tables (θ with standard errors, the
/// in-sample statistics, the weights' extremes) and θ re-estimated through time (a chart and theta.csv).
public struct PolicyDetails: Sendable {
    public var tables: [Table]
    public var theta: ThetaPath

    public init(tables: [Table], theta: ThetaPath) {
        self.tables = tables
        self.theta = theta
    }
}

/// θ at each decision month of a parametric policy, one value per characteristic.
public struct ThetaPath: Sendable {
    public var months: [Month]
    public var characteristics: [String]
    /// `values[t][k]`: θ of characteristic k estimated at `months[t]`.
    public var values: [[Double]]

    public init(months: [Month], characteristics: [String], values: [[Double]]) {
        self.months = months
        self.characteristics = characteristics
        self.values = values
    }
}
