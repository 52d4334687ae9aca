import TiltBacktest

/// All tables of a report for a set of results: the side-by-side summary, the results side by side in
/// each crisis window (for two to four), then per result its crisis table and crisis positions (when any
/// crisis window overlaps it), and notes on what the tables leave out.
public struct ReportTables: Sendable {
    public var summary: Table
    public var crises: [Table]
    /// Sentences shown after the tables: the program's own crisis windows that no result's months reach.
    public var notes: [String]

    /// Computes the metrics of `results`; throws when a result's series do not fit together.
    public init(_ results: [BacktestResult]) throws(ResultInconsistency) {
        var metrics: [PerformanceMetrics] = []
        var crises: [Table] = []
        var analyses: [(name: String, analysis: CrisisAnalysis)] = []
        var outside: [[CrisisWindow]] = []
        for result in results {
            metrics.append(try PerformanceMetrics(result))
            let analysis = try CrisisAnalysis(result)
            outside.append(analysis.outside)
            if !analysis.windows.isEmpty {
                analyses.append((result.name, analysis))
                crises += [CrisisTable.make(analysis, name: result.name), CrisisTable.positions(analysis, name: result.name)]
            }
        }
        summary = SummaryTable.make(metrics)
        self.crises = ((2...Self.sideBySideLimit).contains(analyses.count) ? [CrisisTable.comparison(analyses)] : []) + crises
        notes = Self.crisisNote(outside).map { [$0] } ?? []
    }

    /// "crisis windows outside the backtest (Future 2030-01–2031-01): not shown" for the program's own
    /// windows outside every result (`outside` per result), so that a mistyped year is not lost without a
    /// word; nil when there are none. Built-in windows outside the data are defaults and pass in silence.
    static func crisisNote(_ outside: [[CrisisWindow]]) -> String? {
        let missing = (outside.first ?? []).filter { window in !window.isBuiltIn && outside.allSatisfy { $0.contains(window) } }
        guard !missing.isEmpty else { return nil }
        let list = missing.map { "\($0.name) \(ValueFormat.span($0.from, $0.to))" }.joined(separator: ", ")
        return "crisis window\(missing.count == 1 ? "" : "s") outside the backtest (\(list)): not shown"
    }

    /// The most results the crises-side-by-side table compares (beyond that, e.g. a 19-value sweep, it
    /// would not be readable; each result's own crisis tables remain).
    public static let sideBySideLimit = 4

    /// Every table as aligned plain text no wider than `width` (for the terminal).
    public func text(width: Int = 100) -> String {
        ([summary] + crises).map { $0.text(width: width) }.joined(separator: "\n") + notes.map { "\n\($0)\n" }.joined()
    }

    /// Every table in Markdown.
    public func markdown() -> String {
        ([summary] + crises).map { $0.markdown() }.joined(separator: "\n") + notes.map { "\n\($0)\n" }.joined()
    }
}
