import TiltBacktest

/// The tables of a report for a set of results, and how the terminal shows them.
///
/// One result: its metrics, the distribution of its monthly returns and its crisis tables. Several (a
/// sweep): one row per value (`SweepTable`) and the crises across the values; `verbose` adds every
/// result's own tables (the side-by-side summary, each result's crisis tables and positions).
public struct ReportTables: Sendable {
    /// The metrics of each result, in order.
    public var metrics: [PerformanceMetrics]
    /// Each result's crisis analysis.
    public var analyses: [CrisisAnalysis]
    /// The results' metrics side by side.
    public var summary: Table
    /// With several results, one row per result.
    public var sweep: Table?
    /// With several results: the crises side by side (two to four results) or each result's active
    /// return per crisis (more).
    public var sweepCrises: Table?
    /// Each result's crisis table and crisis positions (when a crisis window overlaps it), and before them
    /// the crises side by side for two to four results.
    public var crises: [Table]
    /// Sentences shown after the tables: the program's own crisis windows that no result's months reach.
    public var notes: [String]

    /// Computes the metrics of `results`; throws when a result's series do not fit together.
    public init(_ results: [BacktestResult]) throws(ResultInconsistency) {
        var metrics: [PerformanceMetrics] = []
        var analyses: [CrisisAnalysis] = []
        var crises: [Table] = []
        var named: [(name: String, analysis: CrisisAnalysis)] = []
        for result in results {
            metrics.append(try PerformanceMetrics(result))
            let analysis = try CrisisAnalysis(result)
            analyses.append(analysis)
            if !analysis.windows.isEmpty {
                named.append((result.name, analysis))
                crises += [CrisisTable.make(analysis, name: result.name), CrisisTable.positions(analysis, name: result.name)]
            }
        }
        self.metrics = metrics
        self.analyses = analyses
        summary = SummaryTable.make(metrics)
        let comparison = (2...Self.sideBySideLimit).contains(named.count) ? CrisisTable.comparison(named) : nil
        self.crises = (comparison.map { [$0] } ?? []) + crises
        if results.count > 1 {
            let benchmarks = results.map(\.benchmarkReturns)
            sweep = SweepTable.make(metrics, sameBenchmark: benchmarks.allSatisfy { $0 == benchmarks[0] })
            sweepCrises = comparison ?? (named.isEmpty ? nil : SweepTable.crises(named))
        }
        notes = Self.crisisNote(analyses.map(\.outside)).map { [$0] } ?? []
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
    /// would not be readable; each result's active return per crisis is shown instead).
    public static let sideBySideLimit = 4

    /// The most lines the terminal summary of a sweep takes: its crisis table is left out when it would
    /// pass this (it then needs more than one block of columns; `--verbose` and the report have it).
    public static let sweepLineBudget = 60

    /// The tables as aligned plain text no wider than `width` (for the terminal): for a sweep its table
    /// (and its crises when they fit in `sweepLineBudget` lines), for one result, or with `verbose`,
    /// every table.
    public func text(width: Int = 100, verbose: Bool = false) -> String {
        let notes = self.notes.map { "\n\($0)\n" }.joined()
        guard let sweep, !verbose else {
            let distribution = metrics.count == 1 ? [ResultTables.distribution(metrics[0])] : []
            return ([summary] + distribution + crises).map { $0.text(width: width) }.joined(separator: "\n") + notes
        }
        var text = sweep.text(width: width)
        if let sweepCrises {
            let crisisText = "\n" + sweepCrises.text(width: width)
            if (text + crisisText).split(separator: "\n", omittingEmptySubsequences: false).count + 2 <= Self.sweepLineBudget {
                text += crisisText
            }
        }
        return text + "\n(tilt run --verbose prints every result's tables; the report with --out shows them one at a time)\n" + notes
    }

    /// Every table in Markdown.
    public func markdown() -> String {
        ((sweep.map { [$0] } ?? []) + [summary] + crises).map { $0.markdown() }.joined(separator: "\n")
            + notes.map { "\n\($0)\n" }.joined()
    }
}
