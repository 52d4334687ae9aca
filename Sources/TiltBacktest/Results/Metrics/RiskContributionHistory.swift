import TiltData

/// The ex-ante active risk of a sequence of rebalances: tracking error and its split into factor and
/// specific contributions, through time and on average.
///
/// Contributions are in monthly active variance (they sum to `exAnteVariances`); shares are contributions
/// over that variance (they sum to 1). Factors are matched by name across rebalances; a factor missing at
/// a rebalance contributes 0 there. Rebalances with zero ex-ante variance have undefined shares (NaN) and
/// are left out of share averages and dispersions.
public struct RiskContributionHistory: Sendable {
    /// The rebalance month of each observation.
    public var months: [Month]
    /// Risk factor names (without the intercept), in first-seen order.
    public var factorNames: [String]
    /// `factorContributions[t][k]`: contribution of factor k to monthly active variance at observation t.
    public var factorContributions: [[Double]]
    /// Specific (idiosyncratic) contribution to monthly active variance at each observation.
    public var specificContributions: [Double]
    /// Ex-ante monthly active variance at each observation.
    public var exAnteVariances: [Double]

    /// Collects the ex-ante risk of `rebalances`, in order (a rebalance may repeat, e.g. once per month
    /// it was held, which weights it by holding time).
    public init<C: Collection>(rebalances: C) where C.Element == BacktestResult.Rebalance {
        var names = LabelledAverage()
        for r in rebalances { names.add(labels: r.riskFactorNames, values: r.factorRiskContributions) }
        let column = Dictionary(uniqueKeysWithValues: names.labels.enumerated().map { ($1, $0) })
        factorNames = names.labels
        months = rebalances.map(\.month)
        factorContributions = rebalances.map { r in
            var row = [Double](repeating: 0, count: names.labels.count)
            for (name, value) in zip(r.riskFactorNames, r.factorRiskContributions) {
                if let k = column[name] { row[k] += value }
            }
            return row
        }
        specificContributions = rebalances.map(\.specificRiskContribution)
        exAnteVariances = rebalances.map(\.exAnteActiveVariance)
    }

    /// Annualised ex-ante tracking error √(12 · variance) at each observation (decimal).
    public var exAnteTrackingErrors: [Double] {
        exAnteVariances.map { (SeriesStatistics.monthsPerYear * max($0, 0)).squareRoot() }
    }
    /// Mean of the annualised ex-ante tracking errors (decimal); NaN without observations.
    public var averageExAnteTrackingError: Double { SeriesStatistics.mean(exAnteTrackingErrors) }

    /// Mean contribution of each factor to monthly active variance.
    public var averageFactorContributions: [Double] { columnMeans(factorContributions, ignoringNaN: false) }
    /// Mean specific contribution to monthly active variance.
    public var averageSpecificContribution: Double { SeriesStatistics.mean(specificContributions) }

    /// `factorShares[t][k]`: factor k's share of ex-ante active variance at observation t (NaN when the
    /// variance is 0).
    public var factorShares: [[Double]] {
        zip(factorContributions, exAnteVariances).map { row, v in row.map { share($0, of: v) } }
    }
    /// Specific share of ex-ante active variance at each observation.
    public var specificShares: [Double] { zip(specificContributions, exAnteVariances).map { share($0, of: $1) } }

    /// Mean share of each factor over the observations with positive variance.
    public var averageFactorShares: [Double] { columnMeans(factorShares, ignoringNaN: true) }
    /// Mean specific share over the observations with positive variance.
    public var averageSpecificShare: Double { SeriesStatistics.meanIgnoringNaN(specificShares) }
    /// Dispersion through time: sample standard deviation of each factor's share.
    public var factorShareDispersion: [Double] {
        factorNames.indices.map { k in SeriesStatistics.sampleStandardDeviationIgnoringNaN(factorShares.map { $0[k] }) }
    }
    /// Sample standard deviation of the specific share through time.
    public var specificShareDispersion: Double { SeriesStatistics.sampleStandardDeviationIgnoringNaN(specificShares) }

    private func share(_ contribution: Double, of variance: Double) -> Double {
        variance > 0 ? contribution / variance : .nan
    }

    private func columnMeans(_ rows: [[Double]], ignoringNaN: Bool) -> [Double] {
        factorNames.indices.map { k in
            let column = rows.map { $0[k] }
            return ignoringNaN ? SeriesStatistics.meanIgnoringNaN(column) : SeriesStatistics.mean(column)
        }
    }
}
