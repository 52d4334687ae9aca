import TiltBacktest

/// All tables of a report for a set of results: the side-by-side summary, the results side by side in
/// each crisis window (for two to four), then per result its crisis table and crisis positions (when any
/// crisis window overlaps it).
public struct ReportTables: Sendable {
    public var summary: Table
    public var crises: [Table]

    /// Computes the metrics of `results`; throws when a result's series do not fit together.
    public init(_ results: [BacktestResult]) throws(ResultInconsistency) {
        var metrics: [PerformanceMetrics] = []
        var crises: [Table] = []
        var analyses: [(name: String, analysis: CrisisAnalysis)] = []
        for result in results {
            metrics.append(try PerformanceMetrics(result))
            let analysis = try CrisisAnalysis(result)
            if !analysis.windows.isEmpty {
                analyses.append((result.name, analysis))
                crises += [CrisisTable.make(analysis, name: result.name), CrisisTable.positions(analysis, name: result.name)]
            }
        }
        summary = SummaryTable.make(metrics)
        self.crises = ((2...Self.sideBySideLimit).contains(analyses.count) ? [CrisisTable.comparison(analyses)] : []) + crises
    }

    /// The most results the crises-side-by-side table compares (beyond that, e.g. a 19-value sweep, it
    /// would not be readable; each result's own crisis tables remain).
    public static let sideBySideLimit = 4

    /// Every table as aligned plain text no wider than `width` (for the terminal).
    public func text(width: Int = 100) -> String {
        ([summary] + crises).map { $0.text(width: width) }.joined(separator: "\n")
    }

    /// Every table in Markdown.
    public func markdown() -> String { ([summary] + crises).map { $0.markdown() }.joined(separator: "\n") }
}
