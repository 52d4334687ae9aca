import TiltBacktest

/// report.md: the report's tables in Markdown, in the order of report.html (provenance, the sweep, then
/// each result's key figures, attributions and crises).
enum MarkdownReport {
    static func page(title: String, results: [BacktestResult], tables: ReportTables, provenance: Provenance?,
                     policy: PolicyDetails?, dataNotes: [String] = []) -> String {
        var out = "# \(title)\n\n"
        if let p = provenance {
            out += "Program `\(p.program.path)` · \(p.buildDescription) · run \(p.runDate), \(ValueFormat.number(p.wallTimeSeconds, decimals: 1)) s\(p.shardSummary.map { ", " + $0 } ?? "")\n\n"
            out += p.dataFiles.map { f in
                "- `\(f.path)`: \(Provenance.size(f.bytes)), SHA-256 `\(f.sha256)`" + (f.vintage.map { ", \($0)" } ?? "") + "\n"
            }.joined()
            out += "\n```tilt\n\(p.program.text)\(p.program.text.hasSuffix("\n") ? "" : "\n")```\n\n"
        }
        // What the data did to the results (`DataNotes`), before the figures it changed.
        if !dataNotes.isEmpty { out += dataNotes.map { "> **Data note:** \($0)\n" }.joined(separator: ">\n") + "\n" }
        if let sweep = tables.sweep { out += sweep.markdown() + "\n" }
        if let crises = tables.sweepCrises { out += crises.markdown() + "\n" }
        for (i, result) in results.enumerated() {
            if results.count > 1 { out += "## \(result.name)\n\n" }
            out += ResultTables.keyFigures(tables.metrics[i]).markdown() + "\n" + ResultTables.tradingAndRisk(tables.metrics[i]).markdown() + "\n"
            if i == 0, let policy { out += policy.tables.map { $0.markdown() + "\n" }.joined() }
            for attribution in [FactorAttribution.make(result), BrinsonFachlerAttribution.make(result)].compactMap({ $0 }) {
                out += AttributionTable.summary(attribution, windows: tables.analyses[i].windows).markdown() + "\n"
            }
            let analysis = tables.analyses[i]
            if !analysis.windows.isEmpty {
                out += CrisisTable.make(analysis, name: result.name).markdown() + "\n"
                    + CrisisTable.positions(analysis, name: result.name).markdown() + "\n"
            }
        }
        return out + tables.notes.map { "\($0)\n" }.joined()
    }
}
