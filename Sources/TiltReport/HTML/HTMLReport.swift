import Foundation
import TiltBacktest

/// A self-contained HTML page: inline CSS, inline SVG charts, no scripts and no external assets.
///
/// Order: what produced it (program, build, data files, run); for a sweep the family first — its table,
/// its frontier, its crises — then one result at a time (a selector of radio buttons styled as tabs, so
/// that no chart is repeated down the page); for each result what a portfolio manager reads first
/// (key figures, cumulative and underwater active return, rolling risk, exposures, both attributions,
/// crises, the monthly heatmap); then the definitions of every metric.
enum HTMLReport {
    static func page(title: String, results: [BacktestResult], tables: ReportTables, provenance: Provenance?,
                     policy: PolicyDetails?, dataNotes: [String] = []) -> String {
        let e = XMLText.escape
        let periods = Set(results.compactMap { r in r.months.first.flatMap { f in r.months.last.map { ValueFormat.span(f, $0) } } })
        var body = "<h1>\(e(title))</h1>\n<p class=\"subtitle\">\(results.count) result\(results.count == 1 ? "" : "s")"
            + (periods.count == 1 ? ", \(e(periods.first ?? ""))" : "") + "</p>\n"
        if let provenance { body += provenanceSection(provenance) }
        // What the data did to the results (`DataNotes`), before the figures it changed.
        body += dataNotes.map { "<p class=\"note data-note\"><strong>Data note:</strong> \(e($0))</p>\n" }.joined()
        if results.count > 1 { body += sweepSection(tables) }
        let panels = results.indices.map { i in
            panel(results[i], tables.metrics[i], tables.analyses[i], policy: i == 0 ? policy : nil, single: results.count == 1)
        }
        if results.count == 1 {
            body += "<div class=\"panel only\" id=\"panel0\">\n\(panels[0])</div>\n"
        } else {
            let labels = SweepTable.parameter(of: results.map(\.name)).values
            body += "<h2>One result at a time</h2>\n<div class=\"results\">\n"
            body += results.indices.map { "<input type=\"radio\" name=\"result\" class=\"pick\" id=\"pick\($0)\"\($0 == 0 ? " checked" : "")/>\n" }.joined()
            body += "<nav class=\"selector\">" + results.indices.map { i in
                "<label for=\"pick\(i)\" title=\"\(e(results[i].name))\">\(e(labels[i]))</label>"
            }.joined(separator: " ") + "</nav>\n"
            body += panels.enumerated().map { "<div class=\"panel\" id=\"panel\($0)\">\n\($1)</div>\n" }.joined()
            body += "</div>\n"
        }
        if !tables.notes.isEmpty { body += tables.notes.map { "<p>\(e($0))</p>\n" }.joined() }
        body += glossary()
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(e(title))</title>
            <style>
            \(HTMLStyle.base)
            \(HTMLStyle.selector(count: results.count > 1 ? results.count : 0))
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    /// The program text beside the build, the run and the data files read.
    static func provenanceSection(_ p: Provenance) -> String {
        let e = XMLText.escape
        var info = "<table>\n<caption>Run</caption>\n<tbody>\n"
        info += "<tr><th>Program</th><td class=\"hash\">\(e(p.program.path))</td></tr>\n"
        info += "<tr><th>Build</th><td class=\"hash\">\(e(p.buildDescription))</td></tr>\n"
        info += "<tr><th>Run</th><td class=\"hash\">\(e(p.runDate)), \(e(ValueFormat.number(p.wallTimeSeconds, decimals: 1))) s wall time\(p.shardSummary.map { ", " + e($0) } ?? "")</td></tr>\n"
        info += "</tbody>\n</table>\n"
        if p.dataFiles.isEmpty {
            info += "<p class=\"note\">No data file was read (a built-in market).</p>\n"
        } else {
            info += "<table>\n<caption>Data files</caption>\n<thead><tr><th>File</th><th>Size</th><th>Vintage</th><th>SHA-256</th></tr></thead>\n<tbody>\n"
            info += p.dataFiles.map { f in
                "<tr><th class=\"hash\" title=\"\(e(f.path))\">\(e((f.path as NSString).lastPathComponent))</th><td>\(e(Provenance.size(f.bytes)))</td>"
                    + "<td>\(e(f.vintage ?? "–"))</td><td class=\"hash\">\(e(f.sha256))</td></tr>\n"
            }.joined()
            info += "</tbody>\n</table>\n"
        }
        return "<div class=\"provenance\">\n<div><strong>Program</strong>\n<pre>\(e(p.program.text))</pre></div>\n<div>\n\(info)</div>\n</div>\n"
    }

    /// A sweep as a family: its table, its frontier (realised risk and return, ex-ante against realised
    /// tracking error, information ratio by value) and its crises.
    static func sweepSection(_ tables: ReportTables) -> String {
        guard let sweep = tables.sweep else { return "" }
        var out = "<h2>The sweep at a glance</h2>\n" + sweep.html()
        out += "<div class=\"grid3\">\n" + ReportCharts.family(tables).map { "<figure>\n\($0.svg())</figure>\n" }.joined() + "</div>\n"
        if let crises = tables.sweepCrises { out += crises.html() }
        return out
    }

    /// Everything about one result.
    static func panel(_ result: BacktestResult, _ metrics: PerformanceMetrics, _ analysis: CrisisAnalysis,
                      policy: PolicyDetails?, single: Bool) -> String {
        var out = single ? "" : "<h2 class=\"panel-title\">\(XMLText.escape(result.name))</h2>\n"
        out += grid2([ResultTables.keyFigures(metrics).html(), ResultTables.tradingAndRisk(metrics).html()])
        out += "<h3>Active return</h3>\n"
        out += grid2([figure(ReportCharts.cumulativeActiveReturn(result)), figure(ReportCharts.activeUnderwater(result))])
        let rolling = ReportCharts.rolling(result)
        if !rolling.isEmpty { out += "<div class=\"grid3\">\n" + rolling.map(figure).joined() + "</div>\n" }
        out += grid2([figure(ReportCharts.growth(result)), figure(ReportCharts.drawdowns(result))])
        let exposures = [ReportCharts.exposures(result), ReportCharts.sectorActiveWeights(result)].compactMap { $0 }
        if !exposures.isEmpty { out += "<h3>Exposures</h3>\n" + grid2(exposures.map(figure)) }
        out += attributionSection(result, analysis)
        var risk = [figure(ReportCharts.diversification(result))]
        if let contributions = ReportCharts.riskContributions(result) { risk.insert(figure(contributions), at: 0) }
        if let regimes = ReportCharts.regimeProbabilities(result) { risk.append(figure(regimes)) }
        out += "<h3>Risk and holdings</h3>\n" + grid2(risk)
        if let policy {
            out += "<h3>Parametric policy</h3>\n" + grid2([policy.tables.map { $0.html() }.joined(), figure(ReportCharts.thetaPath(policy.theta))])
        }
        out += "<h3>Crises and months</h3>\n"
        if !analysis.windows.isEmpty {
            out += CrisisTable.make(analysis, name: result.name).html()
            out += "<details><summary>Positions in each crisis: exposures, sector weights, risk shares</summary>\n"
                + CrisisTable.positions(analysis, name: result.name).html() + "</details>\n"
        }
        out += CalendarHeatmap.html(CalendarReturns(result), title: "Monthly active returns (%)")
        return out
    }

    /// Both attributions: cumulated and per month as charts, totals over the whole period and in each
    /// crisis window as tables; by sector and by year folded away.
    static func attributionSection(_ result: BacktestResult, _ analysis: CrisisAnalysis) -> String {
        let attributions = [FactorAttribution.make(result), BrinsonFachlerAttribution.make(result)].compactMap { $0 }
        guard !attributions.isEmpty else { return "" }
        var out = "<h3>Attribution of active return</h3>\n<p class=\"note\">Linking: Carino. Each month's contributions "
            + "add up to its active return; over a period they are scaled by k_t/K so that they add up to R_P − R_B compounded over it.</p>\n"
        out += grid2(attributions.map { figure(ReportCharts.attributionCumulative($0)) })
        out += grid2(attributions.map { figure(ReportCharts.attributionMonthly($0)) })
        out += attributions.map { AttributionTable.summary($0, windows: analysis.windows).html() }.joined()
        var folded = attributions.filter { $0.method == .brinsonFachler }.map { AttributionTable.bySector($0).html() }
        folded += attributions.map { AttributionTable.byYear($0).html() }
        out += "<details><summary>By sector and by year</summary>\n" + grid2(folded) + "</details>\n"
        return out
    }

    /// Every metric's definition, so that a printed report has them.
    static func glossary() -> String {
        let e = XMLText.escape
        return "<h2>Definitions</h2>\n<dl class=\"glossary\">\n" + MetricGlossary.entries.map { entry in
            "<dt>\(e(entry.terms.joined(separator: ", ")))</dt><dd>\(e(entry.definition))</dd>\n"
        }.joined() + "</dl>\n"
    }

    private static func grid2(_ items: [String]) -> String {
        "<div class=\"grid2\">\n" + items.map { $0.hasPrefix("<figure") ? $0 : "<div>\n\($0)</div>\n" }.joined() + "</div>\n"
    }

    private static func figure(_ chart: SVGChart) -> String { "<figure>\n\(chart.svg())</figure>\n" }
}
