import TiltBacktest

/// A self-contained HTML page: inline CSS, inline SVG charts, no scripts and no external assets.
enum HTMLReport {
    static let style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 960px;
               color: #222; padding: 0 1em; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
        p.subtitle { color: #666; margin-top: 0; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.85em; }
        caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
        th, td { padding: 0.2em 0.7em; border-bottom: 1px solid #eee; }
        td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        th { text-align: left; font-weight: normal; white-space: nowrap; }
        thead th { font-weight: bold; text-align: right; border-bottom: 1px solid #888; }
        tr.section th { font-weight: bold; background: #f4f4f4; }
        figure { margin: 1.2em 0; }
        svg { max-width: 100%; height: auto; }
        """

    static func page(title: String, results: [BacktestResult], tables: ReportTables) -> String {
        let e = XMLText.escape
        let periods = results.compactMap { r in r.months.first.flatMap { f in r.months.last.map { ValueFormat.span(f, $0) } } }
        var body = "<h1>\(e(title))</h1>\n<p class=\"subtitle\">\(results.count) result\(results.count == 1 ? "" : "s")"
            + (Set(periods).count == 1 ? ", \(e(periods[0]))" : "") + "</p>\n"
        body += "<h2>Summary</h2>\n" + tables.summary.html()
        body += "<h2>Performance</h2>\n"
        body += figure(ReportCharts.growth(results)) + figure(ReportCharts.drawdowns(results))
        let sectorCharts = results.compactMap(ReportCharts.sectorWeights)
        if !sectorCharts.isEmpty { body += "<h2>Sector weights</h2>\n" + sectorCharts.map(figure).joined() }
        let riskCharts = results.compactMap(ReportCharts.riskContributions)
        if !riskCharts.isEmpty { body += "<h2>Ex-ante active risk</h2>\n" + riskCharts.map(figure).joined() }
        body += "<h2>Diversification</h2>\n" + figure(ReportCharts.diversification(results))
        let regimeCharts = results.compactMap(ReportCharts.regimeProbabilities)
        if !regimeCharts.isEmpty { body += "<h2>Regimes</h2>\n" + regimeCharts.map(figure).joined() }
        if !tables.crises.isEmpty || !tables.notes.isEmpty {
            body += "<h2>Crises</h2>\n" + tables.crises.map { $0.html() }.joined() + tables.notes.map { "<p>\(e($0))</p>\n" }.joined()
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <title>\(e(title))</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    private static func figure(_ chart: SVGChart) -> String { "<figure>\n\(chart.svg())</figure>\n" }
}
